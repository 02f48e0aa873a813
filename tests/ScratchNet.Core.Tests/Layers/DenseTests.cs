using ScratchNet.Core.Initializers;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Tests.Layers;

public class DenseTests
{
    [Test]
    public void Backward_MatchesFiniteDifferences_ForWeightsBiasesAndInput()
    {
        var dense = new Dense("d", 5, 3, capacity: 4);
        dense.Initialize(new HeNormal(), new Xoshiro256(1));
        TestData.Uniform(3, 2).CopyTo(dense.BiasParameter.Value, 0);
        var network = new Sequential([dense]);
        float[] x = TestData.Uniform(4 * 5, 3);
        float[] targets = TestData.OneHot(4, 3, 4);
        GradientCheck.AssertParameterGradients(network, x, targets, 4);
    }

    [Test]
    public void Backward_InputGradient_MatchesFiniteDifferences()
    {
        var first = new Dense("a", 4, 6, capacity: 3);
        var second = new Dense("b", 6, 3, capacity: 3);
        first.Initialize(new HeNormal(), new Xoshiro256(5));
        second.Initialize(new HeNormal(), new Xoshiro256(6));
        var network = new Sequential([first, second]);
        float[] x = TestData.Uniform(3 * 4, 7);
        float[] targets = TestData.OneHot(3, 3, 8);

        // The input gradient of "b" flows into "a": if it were wrong, a's weight gradients would be wrong too.
        GradientCheck.AssertParameterGradients(network, x, targets, 3);
    }

    [Test]
    public void Forward_IsXTimesWPlusB()
    {
        var dense = new Dense("d", 2, 2, capacity: 1);
        new float[] { 1, 2, 3, 4 }.CopyTo(dense.Weight.Value, 0);
        new float[] { 10, 20 }.CopyTo(dense.BiasParameter.Value, 0);
        float[] y = dense.Forward(new float[] { 1, 1 }, 1);
        Assert.That(y.Take(2), Is.EqualTo(new float[] { 14, 26 }));
    }

    [Test]
    public void Forward_Throws_WhenInputHasTooFewColumns()
    {
        var dense = new Dense("dense0", 784, 128, capacity: 2);
        var ex = Assert.Throws<ArgumentException>(() => dense.Forward(new float[2 * 783], 2));
        Assert.That(ex!.Message, Does.Contain("784"));
    }

    [Test]
    public void Forward_Throws_WhenRowsExceedCapacity() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense("d", 2, 2, capacity: 1).Forward(new float[4], 2));

    [Test]
    public void Backward_Throws_BeforeForward() =>
        Assert.Throws<InvalidOperationException>(() => new Dense("d", 2, 2, capacity: 1).Backward(new float[2], 1, true));

    [Test]
    public void Gradients_HaveTheirParametersShapes()
    {
        var dense = new Dense("d", 7, 3, capacity: 2);
        Assert.Multiple(() =>
        {
            Assert.That(dense.Weight.Gradient, Has.Length.EqualTo(dense.Weight.Value.Length).And.Length.EqualTo(21));
            Assert.That(dense.BiasParameter.Gradient, Has.Length.EqualTo(3));
        });
    }

    [Test]
    public void Backward_FirstLayer_SkipsTheInputGradient()
    {
        var dense = new Dense("d", 3, 2, capacity: 1);
        dense.Forward(new float[3], 1);
        Assert.That(dense.Backward(new float[2], 1, computeInputGradient: false), Is.Null);
    }

    [Test]
    public void Forward_MatchesNaiveKernel_OnReferenceShape()
    {
        var dense = new Dense("d", 784, 128, capacity: 32);
        dense.Initialize(new HeNormal(), new Xoshiro256(9));
        float[] x = TestData.Uniform(32 * 784, 10, 0f, 1f);
        float[] y = dense.Forward(x, 32);
        var expected = new float[32 * 128];
        MatMulNaive.Forward(x, dense.Weight.Value, dense.BiasParameter.Value, expected, 32, 784, 128);
        TestData.AssertClose(y, expected, 1e-4, 1e-4, "y");
    }
}
