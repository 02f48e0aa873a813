using ScratchNet.Core.Activations;

namespace ScratchNet.Core.Tests.Activations;

public class ActivationTests
{
    private static readonly object[] All = [new Relu(), new LeakyRelu(), new Sigmoid(), new Tanh()];

    private static float Scalar(IActivation activation, float x) => activation switch
    {
        Relu => MathF.Max(0f, x),
        LeakyRelu l => x > 0 ? x : l.Slope * x,
        Sigmoid => 1f / (1f + MathF.Exp(-x)),
        Tanh => MathF.Tanh(x),
        _ => throw new NotSupportedException(),
    };

    // 37 values: two full Vector512 blocks and a 5-element scalar tail.
    [TestCaseSource(nameof(All))]
    public void Forward_MatchesScalarDefinition(IActivation activation)
    {
        float[] x = TestData.Uniform(37, 21, -6f, 6f);
        var y = new float[x.Length];
        activation.Forward(x, y);
        TestData.AssertClose(y, x.Select(v => Scalar(activation, v)).ToArray(), 1e-5, 1e-6, activation.Name);
    }

    [TestCaseSource(nameof(All))]
    public void Derivative_MatchesFiniteDifferences(IActivation activation)
    {
        float[] x = TestData.AwayFromZero(37, 22);
        var slope = new float[x.Length];
        activation.Derivative(x, slope);
        const double h = 1e-3;
        var expected = x.Select(v => (float)((Scalar(activation, (float)(v + h)) - Scalar(activation, (float)(v - h))) / (2 * h))).ToArray();
        TestData.AssertClose(slope, expected, 1e-2, 1e-3, activation.Name);
    }

    [TestCaseSource(nameof(All))]
    public void Backward_IsUpstreamGradientTimesDerivative(IActivation activation)
    {
        float[] x = TestData.AwayFromZero(37, 23);
        float[] dY = TestData.Uniform(37, 24);
        var y = new float[37];
        var dX = new float[37];
        var slope = new float[37];
        activation.Forward(x, y);
        activation.Backward(x, y, dY, dX);
        activation.Derivative(x, slope);
        TestData.AssertClose(dX, dY.Zip(slope, (g, s) => g * s).ToArray(), 1e-5, 1e-6, activation.Name);
    }

    [TestCaseSource(nameof(All))]
    public void Forward_StaysFinite_ForExtremeInputs(IActivation activation)
    {
        float[] x = [-1e30f, -100f, -88.8f, 0f, 88.8f, 100f, 1e30f, .. new float[16]];
        var y = new float[x.Length];
        activation.Forward(x, y);
        Assert.That(y.All(float.IsFinite), Is.True, $"{activation.Name} gave [{string.Join(", ", y)}]");
    }

    [Test]
    public void Forward_Throws_WhenLengthsMismatch() =>
        Assert.Throws<ArgumentException>(() => new Relu().Forward(new float[4], new float[3]));

    [Test]
    public void Create_ListsValidNames_WhenNameIsUnknown()
    {
        var ex = Assert.Throws<ArgumentException>(() => Activation.Create("swish"));
        Assert.That(ex!.Message, Does.Contain("relu, leaky_relu, sigmoid, tanh"));
    }

    [Test]
    public void LeakyRelu_Throws_WhenSlopeIsOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LeakyRelu(1.5f));
}
