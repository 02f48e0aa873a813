using ScratchNet.Core.Activations;
using ScratchNet.Core.Initializers;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Tests.Layers;

public class ConvolutionalLayerTests
{
    // (n, C, H, W, K, kH, kW, stride, pad): odd sizes, stride 2, padding, a non-square kernel.
    private static readonly object[] ConvShapes =
    [
        new[] { 2, 1, 5, 7, 3, 3, 3, 1, 1 },
        new[] { 2, 2, 6, 5, 2, 3, 2, 2, 1 },
        new[] { 1, 3, 7, 7, 2, 5, 5, 2, 2 },
    ];

    private static Conv2D NewConv(int[] s, int capacity)
    {
        var conv = new Conv2D("conv0", new Shape(s[1], s[2], s[3]), s[4], s[5], s[6], s[7], s[8], capacity);
        conv.Initialize(new HeNormal(), new Xoshiro256(1));
        TestData.Uniform(s[4], 2).CopyTo(conv.BiasParameter.Value, 0);
        return conv;
    }

    [TestCaseSource(nameof(ConvShapes))]
    public void Conv2D_Backward_MatchesFiniteDifferences(int[] s)
    {
        Conv2D conv = NewConv(s, s[0]);
        LayerGradientCheck.AssertGradients(conv, TestData.Uniform(s[0] * conv.InputSize, 3), s[0], seed: 4);
    }

    [Test]
    public void Backward_TakesMemoryForTheRowsItCarries_NotForTheForwardCapacity()
    {
        // Built for evaluation chunks of 1,000 rows, trained in batches of 3: the gradients are 3 rows, until a call carries more.
        Sequential network = NetworkBuilder.Build(
            [.. new[] { "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 5" }.Select(LayerSyntax.Parse)], new Shape(1, 6, 6), capacity: 1000, "he_normal", seed: 3);
        network.FusesBlocks = false; // the layers' own buffers, each layer called on its own
        float[] x = TestData.Uniform(4 * network.InputSize, 4);
        float[] dLogits = TestData.Uniform(4 * 5, 5);
        network.Forward(x, 3);
        network.Backward(dLogits, 3);
        float[]?[] gradients = [.. network.Layers.Select(l => l.Backward(new float[3 * l.OutputSize], 3, computeInputGradient: true))];
        Assert.That(gradients.Select((d, i) => d!.Length / network.Layers[i].InputSize), Is.All.EqualTo(3));

        network.Forward(x, 4);
        Assert.That(network.Layers[0].Backward(new float[4 * network.Layers[0].OutputSize], 4, computeInputGradient: true)!.Length, Is.EqualTo(4 * network.InputSize));
    }

    [Test]
    public void Conv2D_StoresWeightsInPyTorchsLayout_AndNamesItsTensors()
    {
        var conv = new Conv2D("conv1", new Shape(16, 14, 14), 32, 3, 3, 1, 1, 4);
        Assert.Multiple(() =>
        {
            Assert.That(conv.Weight.ToString(), Is.EqualTo("conv1.weight (32, 16, 3, 3)"));
            Assert.That(conv.BiasParameter.ToString(), Is.EqualTo("conv1.bias (32)"));
            Assert.That(conv.OutputShape, Is.EqualTo(new Shape(32, 14, 14)));
            Assert.That(conv.Parameters.Sum(p => p.Length), Is.EqualTo((32 * 16 * 9) + 32));
        });
    }

    [Test]
    public void Conv2D_HeInitialisation_UsesFanInOfChannelsTimesKernelArea()
    {
        // fan-in = 16·3·3 = 144, so σ = √(2/144) ≈ 0.118; 64·144 = 9,216 draws pin it within a few percent.
        var conv = new Conv2D("c", new Shape(16, 8, 8), 64, 3, 3, 1, 1, 1);
        conv.Initialize(new HeNormal(), new Xoshiro256(5));
        double std = Math.Sqrt(conv.Weight.Value.Average(v => (double)v * v));
        Assert.That(std, Is.EqualTo(Math.Sqrt(2.0 / 144)).Within(0.05 * Math.Sqrt(2.0 / 144)));
        Assert.That(conv.BiasParameter.Value, Is.All.EqualTo(0f));
    }

    [Test]
    public void Conv2D_Throws_NamingTheShapes_WhenTheKernelDoesNotFit()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new Conv2D("conv0", new Shape(1, 3, 3), 8, 5, 5, 1, 0, 1));
        Assert.That(e!.Message, Does.Contain("a 5x5 window does not fit 1 × 3 × 3 inputs"));
    }

    [Test]
    public void Conv2D_Forward_Throws_NamingTheShape_WhenTheInputIsTooShort()
    {
        var conv = new Conv2D("conv0", new Shape(1, 28, 28), 4, 3, 3, 1, 1, 2);
        var e = Assert.Throws<ArgumentException>(() => conv.Forward(new float[700], 2));
        Assert.That(e!.Message, Does.Contain("layer conv0 expects 2 rows of 1 × 28 × 28 inputs (1568 values), but x has 700"));
    }

    [TestCase(2, null)]
    [TestCase(3, 2)]
    public void MaxPool2D_Backward_MatchesFiniteDifferences(int kernel, int? stride)
    {
        var pool = new MaxPool2D("maxpool0", new Shape(2, 7, 6), kernel, stride, 2);
        LayerGradientCheck.AssertGradients(pool, Distinct(2 * pool.InputSize, 6), 2, seed: 7, h: 1e-3f);
    }

    [TestCase(2, null)]
    [TestCase(3, 2)]
    public void AvgPool2D_Backward_MatchesFiniteDifferences(int kernel, int? stride)
    {
        var pool = new AvgPool2D("avgpool0", new Shape(2, 7, 6), kernel, stride, 2);
        LayerGradientCheck.AssertGradients(pool, TestData.Uniform(2 * pool.InputSize, 8), 2, seed: 9);
    }

    [Test]
    public void Pools_DefaultToAStrideOfTheirSize()
    {
        Assert.That(new MaxPool2D("p", new Shape(16, 28, 28), 2, null, 1).OutputShape, Is.EqualTo(new Shape(16, 14, 14)));
        Assert.That(new AvgPool2D("p", new Shape(3, 7, 7), 2, null, 1).OutputShape, Is.EqualTo(new Shape(3, 3, 3)));
        Assert.That(new MaxPool2D("p", new Shape(3, 7, 7), 3, 2, 1).OutputShape, Is.EqualTo(new Shape(3, 3, 3)));
    }

    [Test]
    public void Flatten_KeepsTheValues_AndOnlyChangesTheShape()
    {
        var flatten = new Flatten("flatten0", new Shape(2, 3, 4), 3);
        float[] x = TestData.Uniform(3 * 24, 10);
        float[] y = flatten.Forward(x.AsMemory(0, 48), 2);
        float[] dY = TestData.Uniform(3 * 24, 11);
        Assert.Multiple(() =>
        {
            Assert.That(flatten.OutputShape, Is.EqualTo(Shape.Flat(24)));
            Assert.That(y.AsSpan(0, 48).ToArray(), Is.EqualTo(x.AsSpan(0, 48).ToArray()));
            Assert.That(flatten.Backward(dY, 2, computeInputGradient: true)!.AsSpan(0, 48).ToArray(), Is.EqualTo(dY.AsSpan(0, 48).ToArray()));
        });

        // A view into the middle of an array is copied into the layer's own buffer.
        float[] shifted = flatten.Forward(x.AsMemory(24, 48), 2);
        Assert.That(shifted.AsSpan(0, 48).ToArray(), Is.EqualTo(x.AsSpan(24, 48).ToArray()));
    }

    [Test]
    public void ActivationAndDropout_PassImageShapesThrough()
    {
        var shape = new Shape(4, 5, 3);
        var relu = new ActivationLayer("relu0", new Relu(), shape, 2);
        var dropout = new Dropout("dropout0", shape, 0.5f, 1, 2) { IsTraining = true };
        float[] x = TestData.Uniform(2 * 60, 12);
        float[] y = relu.Forward(x, 2);
        Assert.Multiple(() =>
        {
            Assert.That((relu.OutputShape, dropout.OutputShape), Is.EqualTo((shape, shape)));
            Assert.That(y.AsSpan(0, 120).ToArray(), Is.EqualTo(x.Select(v => Math.Max(v, 0f)).ToArray()));
            Assert.That(dropout.Forward(x, 2).Take(120).Count(v => v == 0f), Is.InRange(35, 85), "about half of the 120 values dropped");
        });
    }

    [Test]
    public void SmallCnn_BackwardThroughEveryLayer_MatchesFiniteDifferences()
    {
        // conv → tanh → avgpool → conv (stride 2) → batchnorm → tanh → flatten → dense: smooth everywhere, so no kink spoils the differences.
        var layers = new[] { "conv 3 3x3 pad 1", "tanh", "avgpool 2", "conv 4 2x2 stride 2 pad 1", "batchnorm", "tanh", "flatten", "dense 3" }.Select(LayerSyntax.Parse).ToArray();
        Sequential network = NetworkBuilder.Build(layers, new Shape(2, 7, 6), capacity: 3, "xavier_uniform", seed: 13);
        network.IsTraining = true;
        float[] x = TestData.Uniform(3 * 84, 14);
        float[] targets = TestData.OneHot(3, 3, 15);
        GradientCheck.AssertParameterGradients(network, x, targets, 3, h: 5e-3f);
    }

    [Test]
    public void SmallCnn_WithReluAndMaxPool_MatchesFiniteDifferences()
    {
        var layers = new[] { "conv 4 3x3", "relu", "maxpool 2", "flatten", "dense 5", "relu", "dense 3" }.Select(LayerSyntax.Parse).ToArray();
        Sequential network = NetworkBuilder.Build(layers, new Shape(1, 9, 9), capacity: 2, "he_normal", seed: 16);
        float[] x = Distinct(2 * 81, 17);
        float[] targets = TestData.OneHot(2, 3, 18);
        GradientCheck.AssertParameterGradients(network, x, targets, 2, h: 1e-3f);
    }

    // Values 0.01 apart in a shuffled order, so no two in a pooling window are within a finite-difference step of each other.
    private static float[] Distinct(int length, ulong seed)
    {
        float[] values = Enumerable.Range(0, length).Select(i => (i - (length / 2)) * 0.01f).ToArray();
        new Xoshiro256(seed).Shuffle(values.AsSpan());
        return values;
    }
}
