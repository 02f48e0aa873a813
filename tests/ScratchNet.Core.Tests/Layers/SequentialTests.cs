using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;

namespace ScratchNet.Core.Tests.Layers;

public class SequentialTests
{
    [TestCase("relu")]
    [TestCase("leaky_relu")]
    [TestCase("sigmoid")]
    [TestCase("tanh")]
    public void Backward_MatchesFiniteDifferences_ForEveryParameter(string activation)
    {
        Sequential network = Sequential.Mlp([6, 5, 4, 3], activation, "he_normal", seed: 11, capacity: 4);
        float[] x = TestData.AwayFromZero(4 * 6, 12);
        float[] targets = TestData.OneHot(4, 3, 13);
        GradientCheck.AssertParameterGradients(network, x, targets, 4, h: 5e-3f);
    }

    [Test]
    public void Mlp_BuildsTheReferenceShape()
    {
        Sequential network = Sequential.Mlp([784, 128, 64, 10], "relu", "he_normal", seed: 42, capacity: 32);
        Assert.Multiple(() =>
        {
            Assert.That(network.Layers.Select(l => l.Name), Is.EqualTo(new[] { "dense0", "relu0", "dense1", "relu1", "dense2" }));
            Assert.That(network.Parameters.Select(p => p.ToString()), Is.EqualTo(new[]
            {
                "dense0.weight (784, 128)", "dense0.bias (1, 128)", "dense1.weight (128, 64)", "dense1.bias (1, 64)", "dense2.weight (64, 10)", "dense2.bias (1, 10)",
            }));
            Assert.That(network.ParameterCount, Is.EqualTo(109_386));
        });
    }

    [Test]
    public void Mlp_IsDeterministicForASeed()
    {
        float[] a = Sequential.Mlp([10, 8, 2], "relu", "he_normal", 7, 1).Parameters[0].Value;
        float[] b = Sequential.Mlp([10, 8, 2], "relu", "he_normal", 7, 1).Parameters[0].Value;
        float[] c = Sequential.Mlp([10, 8, 2], "relu", "he_normal", 8, 1).Parameters[0].Value;
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void Constructor_Throws_WhenLayerSizesDoNotChain()
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new Sequential([new Dense("a", 4, 5, 1), new ActivationLayer("r", new Relu(), 6, 1)]));
        Assert.That(ex!.Message, Does.Contain("expects 6 inputs, but a gives 5"));
    }

    [Test]
    public void Mlp_Throws_WhenASizeIsNotPositive() =>
        Assert.Throws<ArgumentException>(() => Sequential.Mlp([784, 0, 10], "relu", "he_normal", 1, 1));

    [TestCase(32)]
    [TestCase(77)]
    public void ForwardAndBackward_AreBitIdentical_OnOneAndTwoThreads(int n)
    {
        // The first layer is large enough (2·n·700·200 ≥ 2·MatMul.ParallelFlops) that its products are split over the team.
        int[] sizes = [700, 200, 70, 10];
        Assert.That(2L * n * sizes[0] * sizes[1], Is.GreaterThanOrEqualTo(2 * MatMul.ParallelFlops));
        float[] x = TestData.Uniform(n * sizes[0], 50);
        float[] dLogits = TestData.Uniform(n * sizes[^1], 51);
        using var team = new ComputeTeam(2);
        var single = Sequential.Mlp(sizes, "relu", "he_normal", 9, n);
        var split = Sequential.Mlp(sizes, "relu", "he_normal", 9, n, team);

        float[] logitsSingle = single.Forward(x, n);
        float[] logitsSplit = split.Forward(x, n);
        single.Backward(dLogits, n);
        split.Backward(dLogits, n);

        Assert.That(logitsSplit, Is.EqualTo(logitsSingle));
        for (int p = 0; p < single.Parameters.Count; p++)
        {
            Assert.That(split.Parameters[p].Gradient, Is.EqualTo(single.Parameters[p].Gradient), single.Parameters[p].Name);
        }
    }
}
