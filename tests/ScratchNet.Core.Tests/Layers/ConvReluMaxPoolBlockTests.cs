using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;

namespace ScratchNet.Core.Tests.Layers;

public class ConvReluMaxPoolBlockTests
{
    // Blocks first (no input gradient) and further in (input gradient), a strided conv, overlapping pooling windows, odd sizes,
    // a pooling window the vector path takes (2 × 2 on even widths) and one it does not; a relu not followed by maxpool stays a
    // layer. Inputs of fewer than 16 channels: the dense backward, the layers' kernels in their order. The last network's block
    // sees one channel (the grey forward, GreyConvReluMaxPool) but must pass an input gradient back, so it takes the dense backward.
    private static readonly string[][] Networks =
    [
        ["conv 4 3x3 pad 1", "relu", "maxpool 2", "conv 6 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 5"],
        ["conv 3 3x3 stride 2 pad 1", "relu", "maxpool 3 stride 2", "flatten", "dense 4", "relu", "dense 5"],
        ["conv 4 1x1", "relu", "conv 5 3x3", "relu", "maxpool 2", "flatten", "dense 5"],
        ["conv 1 1x1", "conv 16 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 5"],
    ];

    [Test]
    public void FusedBlocks_GiveTheLayersResults_BitForBit([Values(0, 1, 2, 3)] int network, [Values(1, 2)] int threads, [Values(3, 19)] int n)
    {
        using var team = new ComputeTeam(threads);
        Sequential fused = Build(network, team), layered = Build(network, team);
        layered.FusesBlocks = false;
        float[] x = TestData.Uniform(n * fused.InputSize, 41);
        float[] targets = TestData.OneHot(n, 5, 42);
        for (int step = 0; step < 3; step++)
        {
            float[] a = Step(fused, x, targets, n), b = Step(layered, x, targets, n);
            Assert.That(a, Is.EqualTo(b), $"logits at step {step}");
            Assert.That(fused.Parameters.Select(p => p.Gradient), Is.EqualTo(layered.Parameters.Select(p => p.Gradient)), $"gradients at step {step}");
            Assert.That(fused.Parameters.Select(p => p.Value), Is.EqualTo(layered.Parameters.Select(p => p.Value)), $"weights after step {step}");
        }
    }

    // Blocks whose inputs fill whole vectors of channels (16, 32) take the sparse backward: to float rounding, not bit for bit.
    private static readonly string[][] SparseNetworks =
    [
        ["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 7 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 5"],
        ["conv 32 3x3 pad 1", "relu", "maxpool 2", "conv 6 5x5 stride 2 pad 2", "relu", "maxpool 2 stride 1", "flatten", "dense 5"],
        ["conv 16 1x1", "relu", "conv 5 3x3", "relu", "maxpool 2", "flatten", "dense 5"],
    ];

    [Test]
    public void FusedBlocks_WithWholeVectorsOfChannels_GiveTheLayersGradients_ToRounding([Values(0, 1, 2)] int network, [Values(1, 2)] int threads)
    {
        const int n = 19;
        using var team = new ComputeTeam(threads);
        Sequential fused = Build(SparseNetworks[network], team), layered = Build(SparseNetworks[network], null);
        layered.FusesBlocks = false;
        float[] x = TestData.Uniform(n * fused.InputSize, 45);
        float[] targets = TestData.OneHot(n, 5, 46);
        AssertSameLogits_AndGradientsToRounding(fused, layered, x, targets, n, "the forward pass is the layers' kernels in their order");
    }

    // Images of 16 channels: the first block takes the sparse backward and needs no input gradient; grey ones (1 channel) with
    // whole vectors of filters the grey block's, other grey ones the dense one, which gives the layers' results bit for bit and
    // so meets the rounding bound too.
    [TestCase(16, "conv 4 3x3 pad 1")]
    [TestCase(1, "conv 4 3x3 pad 1")]
    [TestCase(1, "conv 3 5x5 stride 2 pad 2")]
    [TestCase(1, "conv 16 3x3 pad 1")]
    [TestCase(1, "conv 32 5x5 pad 2")]
    public void ASparseFirstBlock_GivesTheLayersGradients_ToRounding(int channels, string conv)
    {
        const int n = 9;
        string[] layers = [conv, "relu", "maxpool 2", "flatten", "dense 5"];
        Sequential fused = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(channels, 6, 8), 9, "he_normal", 51);
        Sequential layered = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(channels, 6, 8), 9, "he_normal", 51);
        layered.FusesBlocks = false;
        float[] x = TestData.Uniform(n * fused.InputSize, 52);
        float[] targets = TestData.OneHot(n, 5, 53);
        Step(fused, x, targets, n);
        Step(layered, x, targets, n);
        for (int i = 0; i < fused.Parameters.Count; i++)
        {
            double scale = layered.Parameters[i].Gradient.Max(v => Math.Abs((double)v));
            TestData.AssertClose(fused.Parameters[i].Gradient, layered.Parameters[i].Gradient, 1e-4, 1e-5 * scale, fused.Parameters[i].Name);
        }
    }

    // Second blocks of 3 × 3 kernels under 2 × 2 pooling take the window-by-window input gradient: 16 and 32 channels, fewer
    // filters than a word of filter bits and more (35), windows that fill no whole vector (6 × 5, 3 × 2) and several with a
    // tail (7 × 7), batches that are no multiple of the gradient group.
    [TestCase(16, 35, 26, 23, 1, 11)]
    [TestCase(32, 7, 14, 9, 2, 19)]
    [TestCase(16, 32, 28, 28, 2, 9)]
    [TestCase(32, 16, 13, 15, 1, 3)]
    public void ASecondBlockOf3x3Filters_GivesTheLayersGradients_ToRounding(int channels, int filters, int height, int width, int threads, int n)
    {
        string[] layers = [$"conv {channels} 3x3 pad 1", "relu", "maxpool 2", $"conv {filters} 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 5"];
        using var team = new ComputeTeam(threads);
        Sequential fused = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(1, height, width), n, "he_normal", 55, team);
        Sequential layered = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(1, height, width), n, "he_normal", 55);
        layered.FusesBlocks = false;
        float[] x = TestData.Uniform(n * fused.InputSize, 56);
        float[] targets = TestData.OneHot(n, 5, 57);
        Assert.That(Step(fused, x, targets, n), Is.EqualTo(Step(layered, x, targets, n)), "the forward pass is the layers' kernels in their order");
        for (int i = 0; i < fused.Parameters.Count; i++)
        {
            double scale = layered.Parameters[i].Gradient.Max(v => Math.Abs((double)v));
            TestData.AssertClose(fused.Parameters[i].Gradient, layered.Parameters[i].Gradient, 1e-4, 1e-5 * scale, fused.Parameters[i].Name);
        }
    }

    // Grey images (1 channel) whose first block has whole vectors of filters: GreyConvReluMaxPool, its forward bit for bit the
    // layers', its backward to float rounding. Odd and even sizes, 3 × 3 and 5 × 5 kernels, 16 to 48 filters, n not a multiple of 8.
    private static readonly (string[] Layers, Shape Input)[] GreyNetworks =
    [
        (["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 6 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 5"], new Shape(1, 10, 9)),
        (["conv 32 5x5 pad 2", "relu", "maxpool 2", "flatten", "dense 5"], new Shape(1, 9, 11)),
        (["conv 48 3x3", "relu", "maxpool 2", "flatten", "dense 4", "relu", "dense 5"], new Shape(1, 9, 12)),
    ];

    [Test]
    public void AGreyFirstBlock_GivesTheLayersOutputs_BitForBit_AndGradients_ToRounding([Values(0, 1, 2)] int network, [Values(1, 2)] int threads, [Values(3, 19)] int n)
    {
        using var team = new ComputeTeam(threads);
        (string[] layers, Shape input) = GreyNetworks[network];
        Sequential fused = Build(layers, input, team), layered = Build(layers, input, null);
        layered.FusesBlocks = false;
        float[] x = TestData.Uniform(n * fused.InputSize, 55);
        float[] targets = TestData.OneHot(n, 5, 56);
        AssertSameLogits_AndGradientsToRounding(fused, layered, x, targets, n, "the logits");
    }

    [Test]
    public void Backward_MatchesFiniteDifferences_ThroughAGreyBlock()
    {
        (string[] layers, Shape input) = GreyNetworks[0];
        Sequential network = Build(layers, input, null);
        const int n = 2;
        float[] x = TestData.Uniform(n * network.InputSize, 57);
        float[] targets = TestData.OneHot(n, 5, 58);
        GradientCheck.AssertParameterGradients(network, x, targets, n, h: 5e-4f);
    }

    [Test]
    public void FusedBlocks_WithWholeVectorsOfChannels_GiveTheSameBits_OnOneAndTwoThreads([Values] bool greyInput)
    {
        const int n = 21;
        using var team = new ComputeTeam(2);
        (string[] layers, Shape input) = greyInput ? GreyNetworks[1] : (SparseNetworks[0], new Shape(2, 9, 10));
        Sequential one = Build(layers, input, null), two = Build(layers, input, team);
        float[] x = TestData.Uniform(n * one.InputSize, 47);
        float[] targets = TestData.OneHot(n, 5, 48);
        for (int step = 0; step < 3; step++)
        {
            Assert.That(Step(two, x, targets, n), Is.EqualTo(Step(one, x, targets, n)), $"logits at step {step}");
            Assert.That(two.Parameters.Select(p => p.Value), Is.EqualTo(one.Parameters.Select(p => p.Value)), $"weights after step {step}");
        }
    }

    [Test]
    public void Backward_MatchesFiniteDifferences_ThroughASparseBlock()
    {
        Sequential network = Build(SparseNetworks[0], null);
        const int n = 2;
        float[] x = TestData.Uniform(n * network.InputSize, 49);
        float[] targets = TestData.OneHot(n, 5, 50);
        GradientCheck.AssertParameterGradients(network, x, targets, n, h: 5e-4f);
    }

    [Test]
    public void Backward_MatchesFiniteDifferences_ThroughTheBlocks()
    {
        Sequential network = Build(0, null);
        const int n = 2;
        float[] x = TestData.Uniform(n * network.InputSize, 43);
        float[] targets = TestData.OneHot(n, 5, 44);
        GradientCheck.AssertParameterGradients(network, x, targets, n, h: 2e-3f);
    }

    private static Sequential Build(int network, ComputeTeam? team) => Build(Networks[network], team);

    private static Sequential Build(string[] layers, ComputeTeam? team) => Build(layers, new Shape(2, 9, 10), team);

    private static Sequential Build(string[] layers, Shape input, ComputeTeam? team) =>
        NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], input, capacity: 25, "he_normal", seed: 40, team);

    // One step of each network on the same batch: the logits bit for bit, every gradient to float rounding of its largest.
    private static void AssertSameLogits_AndGradientsToRounding(Sequential fused, Sequential layered, float[] x, float[] targets, int n, string logits)
    {
        float[] a = Step(fused, x, targets, n), b = Step(layered, x, targets, n);
        Assert.That(a, Is.EqualTo(b), logits);
        for (int i = 0; i < fused.Parameters.Count; i++)
        {
            Parameter p = fused.Parameters[i], q = layered.Parameters[i];
            double scale = q.Gradient.Max(v => Math.Abs((double)v));
            TestData.AssertClose(p.Gradient, q.Gradient, 1e-4, 1e-5 * scale, p.Name);
        }
    }

    // Forward, softmax + cross-entropy, backward, and w −= 0.05·dW: what a training step does to the numbers.
    private static float[] Step(Sequential network, float[] x, float[] targets, int n)
    {
        float[] logits = network.Forward(x, n)[..(n * 5)];
        var p = new float[n * 5];
        var dLogits = new float[n * 5];
        SoftmaxCrossEntropy.Forward(logits, targets.AsSpan(0, n * 5), p, n, 5);
        SoftmaxCrossEntropy.Backward(p, targets.AsSpan(0, n * 5), dLogits, n, 5);
        network.Backward(dLogits, n);
        foreach (Parameter parameter in network.Parameters)
        {
            for (int i = 0; i < parameter.Length; i++)
            {
                parameter.Value[i] -= 0.05f * parameter.Gradient[i];
            }
        }

        return logits;
    }
}
