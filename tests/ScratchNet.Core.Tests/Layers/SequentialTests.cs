using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;

namespace ScratchNet.Core.Tests.Layers;

public class SequentialTests
{
    private static IEnumerable<string> Activations() => Activation.Names;

    [TestCaseSource(nameof(Activations))]
    public void Backward_MatchesFiniteDifferences_ForEveryParameter(string activation)
    {
        Sequential network = Sequential.Mlp([6, 5, 4, 3], activation, "he_normal", seed: 11, capacity: 4);
        float[] x = TestData.AwayFromZero(4 * 6, 12);
        float[] targets = TestData.OneHot(4, 3, 13);
        GradientCheck.AssertParameterGradients(network, x, targets, 4, h: 5e-3f);
    }

    [Test]
    public void BackwardToInput_GivesTheInputGradient_ThatFiniteDifferencesMeasure()
    {
        const int N = 2;
        Sequential network = Sequential.Mlp([6, 5, 4, 3], "tanh", "he_normal", seed: 21, capacity: N);
        float[] x = TestData.AwayFromZero(N * 6, 22);
        float[] targets = TestData.OneHot(N, 3, 23);
        float[][] gradients = network.BackwardToInput(DLogits(network, x, targets, N), N);

        const float H = 1e-2f;
        var numeric = new float[x.Length];
        for (int k = 0; k < x.Length; k++)
        {
            float saved = x[k];
            x[k] = saved + H;
            double plus = GradientCheck.Loss(network, x, targets, N);
            x[k] = saved - H;
            double minus = GradientCheck.Loss(network, x, targets, N);
            x[k] = saved;
            numeric[k] = (float)((plus - minus) / (2 * H));
        }

        Assert.That(gradients.Select(g => g.Length), Is.EqualTo(new[] { N * 6, N * 5, N * 5, N * 4, N * 4 }));
        TestData.AssertClose(gradients[0], numeric, 5e-2, 2e-3, "dL/dx");
    }

    [Test]
    public void BackwardToInput_LeavesTheSameParameterGradients_AsBackward()
    {
        const int N = 3;
        Sequential network = Sequential.Mlp([6, 5, 3], "relu", "he_normal", seed: 31, capacity: N);
        float[] x = TestData.AwayFromZero(N * 6, 32);
        float[] targets = TestData.OneHot(N, 3, 33);
        network.Backward(DLogits(network, x, targets, N), N);
        float[][] expected = network.Parameters.Select(p => (float[])p.Gradient.Clone()).ToArray();

        float[] dLogits = DLogits(network, x, targets, N);
        float[][] inputGradients = network.BackwardToInput(dLogits, N);

        // The last dense layer's input gradient is dLogits·Wᵀ, W: (5, 3).
        var last = (Dense)network.Layers[^1];
        var dH = new float[N * 5];
        for (int r = 0; r < N; r++)
        {
            for (int j = 0; j < 5; j++)
            {
                for (int k = 0; k < 3; k++)
                {
                    dH[(r * 5) + j] += dLogits[(r * 3) + k] * last.Weight.Value[(j * 3) + k];
                }
            }
        }

        Assert.That(network.Parameters.Select(p => p.Gradient), Is.EqualTo(expected));
        TestData.AssertClose(inputGradients[^1], dH, 1e-5, 1e-6, "dL/dh");
    }

    private static float[] DLogits(Sequential network, float[] x, float[] targets, int n)
    {
        int classes = network.OutputSize;
        float[] logits = network.Forward(x, n);
        var p = new float[n * classes];
        var dLogits = new float[n * classes];
        SoftmaxCrossEntropy.Forward(logits.AsSpan(0, n * classes), targets, p, n, classes);
        SoftmaxCrossEntropy.Backward(p, targets, dLogits, n, classes);
        return dLogits;
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
        Assert.That(ex!.Message, Does.Contain("layer 2 (r) expects 6 inputs, but layer 1 (a) gives 5"));
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

    [Test]
    public void Constructor_Throws_NamingBothLayersAndShapes_WhenImageShapesDoNotChain()
    {
        var conv = new Conv2D("conv0", new Shape(1, 8, 8), 4, 3, 3, 1, 1, 1);
        var pool = new MaxPool2D("maxpool0", new Shape(4, 6, 6), 2, null, 1);
        var e = Assert.Throws<ArgumentException>(() => _ = new Sequential([conv, pool]));
        Assert.That(e!.Message, Does.StartWith("layer 2 (maxpool0) expects 4 × 6 × 6 inputs, but layer 1 (conv0) gives 4 × 8 × 8"));
    }

    [Test]
    public void Constructor_Throws_WhenTwoTensorsShareAName()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new Sequential([new Dense("d", 4, 4, 1), new Dense("d", 4, 2, 1)]));
        Assert.That(e!.Message, Does.Contain("two tensors are named d.weight"));
    }

    [Test]
    public void IsTraining_SwitchesBatchNormAndDropout()
    {
        var bn = new BatchNorm("bn0", Shape.Flat(4), 1);
        var dropout = new Dropout("dropout0", 4, 0.5f, 1, 1);
        var network = new Sequential([new Dense("dense0", 3, 4, 1), bn, dropout, new Dense("dense1", 4, 2, 1)]) { IsTraining = true };
        Assert.That((bn.IsTraining, dropout.IsTraining, network.IsTraining), Is.EqualTo((true, true, true)));
        network.IsTraining = false;
        Assert.That((bn.IsTraining, dropout.IsTraining, network.IsTraining), Is.EqualTo((false, false, false)));
    }

    [Test]
    public void Shape_PrintsVectorsAsTheirLength_AndImagesAsChannelsByHeightByWidth()
    {
        Assert.That(Shape.Flat(784).ToString(), Is.EqualTo("784"));
        Assert.That(new Shape(16, 28, 28).ToString(), Is.EqualTo("16 × 28 × 28"));
        Assert.That((new Shape(16, 28, 28).Size, new Shape(16, 28, 28).Plane), Is.EqualTo((12_544, 784)));
    }
}
