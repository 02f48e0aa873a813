using ScratchNet.Core.Activations;

namespace ScratchNet.Core.Tests.Activations;

public class ActivationTests
{
    // Every activation configuration can name, so a new one is tested here without being listed.
    private static IEnumerable<TestCaseData> All() =>
        Activation.Names.Select(name => new TestCaseData(Activation.Create(name)).SetArgDisplayNames(name));

    // The scalar definitions, written the obvious way: an activation missing here fails every test above with the line to add.
    private static float Scalar(IActivation activation, float x) => activation switch
    {
        Relu => MathF.Max(0f, x),
        LeakyRelu l => x > 0 ? x : l.Slope * x,
        Sigmoid => 1f / (1f + MathF.Exp(-x)),
        Tanh => MathF.Tanh(x),
        _ => throw new NotSupportedException($"ActivationTests.Scalar has no scalar definition of {activation.Name}; add one"),
    };

    [TestCaseSource(nameof(Names))]
    public void Create_GivesTheActivationOfThatName(string name) =>
        Assert.That((Activation.Create(name).Name, Activation.Create(name.ToUpperInvariant()).Name, Activation.IsKnown(name)), Is.EqualTo((name, name, true)));

    private static IEnumerable<string> Names() => Activation.Names;

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

    // f' on a grid of step 1e-3 over [−8, 8], 0 excluded (a kink's own point has no one slope).
    private static (float[] X, float[] Slope) SlopeGrid(IActivation activation)
    {
        float[] x = [.. Enumerable.Range(-8000, 16001).Where(i => i != 0).Select(i => i * 1e-3f)];
        var slope = new float[x.Length];
        activation.Derivative(x, slope);
        return (x, slope);
    }

    // A smooth f' moves by at most ~1e-3 between grid points (tanh'' peaks at 0.77); a kink jumps by its whole step.
    [TestCaseSource(nameof(All))]
    public void HasKink_IsTrueExactlyWhereTheSlopeJumps(IActivation activation)
    {
        float[] slope = SlopeGrid(activation).Slope;
        float largestJump = slope.Zip(slope.Skip(1), (a, b) => MathF.Abs(b - a)).Max();
        Assert.That(largestJump > 0.05f, Is.EqualTo(activation.HasKink), $"{activation.Name}: largest jump in f' between neighbours {largestJump}");
    }

    // Dead: at most a tenth of the gradient passes anywhere below 0 (leaky ReLU's 0.01); sigmoid passes 0.2 at −1, tanh 0.42.
    [TestCaseSource(nameof(All))]
    public void HasDeadRegion_IsTrueExactlyWhereTheSlopeBelowZeroIsNearlyFlat(IActivation activation)
    {
        (float[] x, float[] slope) = SlopeGrid(activation);
        float steepestBelowMinusOne = x.Zip(slope).Where(p => p.First <= -1f).Max(p => MathF.Abs(p.Second));
        Assert.That(steepestBelowMinusOne <= 0.1f, Is.EqualTo(activation.HasDeadRegion), $"{activation.Name}: max |f'| below −1 is {steepestBelowMinusOne}");
    }

    [TestCaseSource(nameof(All))]
    public void MaxSlope_IsTheLargestSlope(IActivation activation)
    {
        // The grid ends at ±8: a slope only approached far out (softplus's σ(x) → 1) may stand a little above its maximum.
        float onGrid = SlopeGrid(activation).Slope.Max();
        Assert.That(onGrid, Is.LessThanOrEqualTo(activation.MaxSlope + 1e-5f), activation.Name);
        Assert.That(activation.MaxSlope - onGrid, Is.LessThanOrEqualTo(1e-3f), activation.Name);
    }

    [TestCaseSource(nameof(All))]
    public void EveryPass_Throws_WhenLengthsMismatch(IActivation activation) => Assert.Multiple(() =>
    {
        Assert.Throws<ArgumentException>(() => activation.Forward(new float[4], new float[3]), "Forward");
        Assert.Throws<ArgumentException>(() => activation.Backward(new float[4], new float[4], new float[3], new float[4]), "Backward, dY");
        Assert.Throws<ArgumentException>(() => activation.Backward(new float[4], new float[4], new float[4], new float[3]), "Backward, dX");
        Assert.Throws<ArgumentException>(() => activation.Derivative(new float[4], new float[3]), "Derivative");
    });

    // Bit for bit the scalar definition, on every length through a Vector512 or Vector256 body and a tail (run it with
    // DOTNET_EnableAVX512F=0 too for the Vector256 path), with −0, ±∞, NaN and subnormals among the values.
    [TestCase(0.01f)]
    [TestCase(0f)]
    [TestCase(0.3f)]
    public void LeakyRelu_IsBitForBitItsScalarDefinition_OnEveryPath(float slope)
    {
        var activation = new LeakyRelu(slope);
        float[] special = [-0f, 0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-45f, -1e-45f, -1e-40f, float.MaxValue, float.MinValue];
        for (int length = 0; length <= 70; length++)
        {
            float[] x = [.. TestData.Uniform(length, (ulong)(30 + length), -3f, 3f).Select((v, i) => i % 7 == 3 ? special[i % special.Length] : v)];
            float[] dY = TestData.Uniform(length, (ulong)(100 + length), -2f, 2f);
            float[] y = new float[length], dX = new float[length], slopes = new float[length];
            activation.Forward(x, y);
            activation.Backward(x, y, dY, dX);
            activation.Derivative(x, slopes);
            Assert.That(y.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(x.Select(v => BitConverter.SingleToInt32Bits(v > 0f ? v : slope * v))), $"Forward, length {length}");
            Assert.That(dX.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(x.Zip(dY, (v, g) => BitConverter.SingleToInt32Bits(v > 0f ? g : slope * g))), $"Backward, length {length}");
            Assert.That(slopes.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(x.Select(v => BitConverter.SingleToInt32Bits(v > 0f ? 1f : slope))), $"Derivative, length {length}");
        }
    }

    [Test]
    public void Create_ListsValidNames_WhenNameIsUnknown()
    {
        var ex = Assert.Throws<ArgumentException>(() => Activation.Create("swish"));
        Assert.That(ex!.Message, Does.EndWith($"valid names: {string.Join(", ", Activation.Names)} (Parameter 'name')"));
    }

    [Test]
    public void LeakyRelu_Throws_WhenSlopeIsOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LeakyRelu(1.5f));
}
