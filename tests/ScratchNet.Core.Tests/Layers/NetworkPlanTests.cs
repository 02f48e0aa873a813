using System.Globalization;
using ScratchNet.Core.Layers;

namespace ScratchNet.Core.Tests.Layers;

/// <summary>
/// Every network the grammar accepts either builds and runs, or is refused by <see cref="NetworkBuilder.Build"/> before anything
/// is allocated, in one <see cref="NetworkDefinitionException"/> naming the layer and the limit.
/// </summary>
public class NetworkPlanTests
{
    // A refusal may build its message, nothing more: no layer, no weights, no buffers.
    private const long RefusalBytes = 1 << 20;

    // Accepted networks at most this large (values of all their arrays) are built and run in the sweep.
    private const long RunnableValues = 4 << 20;

    private static readonly Shape Mnist = new(1, 28, 28);

    private static LayerDefinition[] Parse(IEnumerable<string> layers) => layers.Select(LayerSyntax.Parse).ToArray();

    [TestCase("layer 1 (conv 4 3x3 pad 20000) gets 1 × 28 × 28 inputs: its zero-framed input would take 1,602,240,784 values per image, more than the 67,108,864 a layer may take", "conv 4 3x3 pad 20000", "flatten", "dense 10")]
    [TestCase("layer 1 (conv 1048576 3x3) gets 1 × 28 × 28 inputs: its output would take 708,837,376 values per image, more than the 67,108,864", "conv 1048576 3x3", "relu", "maxpool 26", "flatten", "dense 10")]
    [TestCase("layer 1 (conv 1048576 1x1) gets 1 × 28 × 28 inputs: its output would take 822,083,584 values per image", "conv 1048576 1x1", "flatten", "dense 10")]
    [TestCase("layer 1 (conv 1 1048576x1048576 pad 1048576) gets 1 × 28 × 28 inputs: its zero-framed input would take", "conv 1 1048576x1048576 pad 1048576")]
    [TestCase("layer 1 (conv 64 3x3 stride 1048576 pad 1048576) gets 1 × 28 × 28 inputs: its zero-framed input", "conv 64 3x3 stride 1048576 pad 1048576")]
    [TestCase("layer 2 (conv 8192 3x3 pad 1) gets 1024 × 28 × 28 inputs: its weights (filters × channels × kernel) would take 75,497,472 values, more than the 67,108,864 a convolution may take", "conv 1024 1x1", "conv 8192 3x3 pad 1")]
    [TestCase("layer 3 (dense 1048576) gets 1048576 inputs (a flat vector): its weights would take 1,099,511,627,776 values, more than one array holds (2,147,483,591); make the layer smaller", "flatten", "dense 1048576", "dense 1048576", "dense 10")]
    [TestCase("layer 3 (dense 1048576) gets 4096 inputs (a flat vector): its weights would take 4,294,967,296 values", "flatten", "dense 4096", "dense 1048576")]
    [TestCase("layer 2 (maxpool 1048576) gets 4 × 28 × 28 inputs: a 1048576x1048576 window does not fit", "conv 4 1x1", "maxpool 1048576")]
    public void Build_RefusesBeforeAllocating_NamingTheLayerAndTheLimit(string expected, params string[] layers)
    {
        LayerDefinition[] definitions = Parse(layers);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NetworkDefinitionException>(() => NetworkBuilder.Build(definitions, Mnist, capacity: 2, "he_normal", seed: 1));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(e!.Message, Does.StartWith(expected));
        Assert.That(allocated, Is.LessThan(RefusalBytes), "refused before any layer was allocated");
    }

    [TestCase(1, 1048576, "layer 1 (conv 64 3x3 pad 1) gets 1 × 28 × 28 inputs: its output for 1048576 rows would take 52,613,349,376 values, more than one array holds (2,147,483,591); use fewer rows per pass (a smaller batch) or make the layer smaller", "conv 64 3x3 pad 1", "relu", "flatten", "dense 10")]
    [TestCase(1, 4096, "layer 2 (dense 1048576) gets 784 inputs (a flat vector): its output for 4096 rows would take 4,294,967,296 values", "flatten", "dense 1048576", "dense 10")]
    [TestCase(4, 1048576, "layer 1 (batchnorm) gets 4 × 28 × 28 inputs: its output for 1048576 rows would take 3,288,334,336 values", "batchnorm")]
    [TestCase(4, 1048576, "layer 1 (dropout 0.5) gets 4 × 28 × 28 inputs: its output for 1048576 rows", "dropout 0.5")]
    [TestCase(4, 1048576, "layer 1 (tanh) gets 4 × 28 × 28 inputs: its output for 1048576 rows", "tanh")]
    [TestCase(4, 1048576, "layer 1 (flatten) gets 4 × 28 × 28 inputs: its output for 1048576 rows", "flatten")]
    [TestCase(4, 1048576, "layer 1 (maxpool 1) gets 4 × 28 × 28 inputs: its output for 1048576 rows", "maxpool 1")]
    [TestCase(4, 1048576, "layer 1 (avgpool 1) gets 4 × 28 × 28 inputs: its output for 1048576 rows", "avgpool 1")]
    public void Build_RefusesArraysOfMoreRowsThanOneArrayHolds_NamingTheRows(int channels, int capacity, string expected, params string[] layers)
    {
        LayerDefinition[] definitions = Parse(layers);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NetworkDefinitionException>(() => NetworkBuilder.Build(definitions, new Shape(channels, 28, 28), capacity, "he_normal", seed: 1));

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(RefusalBytes));
        Assert.That(e!.Message, Does.StartWith(expected));
    }

    [Test]
    public void Build_ChecksTheWholeNetworkFirst_SoALateMismatchAllocatesNothing()
    {
        // 784 × 1,048,576 weights (3.3 GB) before the layer that does not fit used to be allocated and initialised first.
        LayerDefinition[] definitions = Parse(["flatten", "dense 1048576", "relu", "maxpool 2"]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NetworkDefinitionException>(() => NetworkBuilder.Build(definitions, Mnist, capacity: 1, "he_normal", seed: 1));

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(RefusalBytes));
        Assert.That(e!.Message, Does.StartWith("layer 4 (maxpool 2) gets 1048576 inputs (a flat vector): a 2x2 window does not fit"));
    }

    /// <summary>
    /// The estimate the memory check holds to the machine counts what the layers allocate once the network has evaluated
    /// a chunk of evaluation rows and trained on a batch: never less, and not far more (a fused conv → relu → maxpool
    /// block holds no batch of the convolution's outputs, gradients take the training batch's rows only, the first layer
    /// no input gradient). Counted in bytes the runtime hands this thread (one thread, no team), not in process memory.
    /// </summary>
    [TestCase(8, 32, "conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 128", "relu", "dense 10")]
    [TestCase(32, 8, "conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 128", "relu", "dense 10")]
    [TestCase(16, 64, "conv 8 5x5 stride 2", "batchnorm", "relu", "avgpool 2", "dropout 0.25", "conv 8 3x3", "tanh", "maxpool 2", "flatten", "dense 10")]
    [TestCase(16, 200, "flatten", "dense 300", "relu", "dropout 0.5", "dense 100", "sigmoid", "dense 10")]
    [TestCase(64, 64, "dense 256", "relu", "dense 10")]
    public void TheEstimate_CountsWhatTheLayersAllocate_ForwardOverTheLargerBatch_BackwardOverTheTrainingBatch(int batch, int evaluation, params string[] layers) =>
        AssertTheEstimateCountsWhatTheLayersAllocate(batch, evaluation, fusesBlocks: true, layers);

    // Run layer by layer (Training:FuseBlocks=false), every convolution and ReLU holds its outputs for the batch, as counted.
    [TestCase(8, 32)]
    [TestCase(32, 8)]
    public void TheEstimate_OfANetworkRunLayerByLayer_CountsTheConvolutionsOutputs(int batch, int evaluation)
    {
        string[] cnn = ["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 128", "relu", "dense 10"];
        AssertTheEstimateCountsWhatTheLayersAllocate(batch, evaluation, fusesBlocks: false, cnn);
        long fused = NetworkBuilder.Values(Parse(cnn), Mnist, Math.Max(batch, evaluation), trainingRows: batch);
        long layered = NetworkBuilder.Values(Parse(cnn), Mnist, Math.Max(batch, evaluation), trainingRows: batch, fusesBlocks: false);
        Assert.That(layered - fused, Is.GreaterThanOrEqualTo(Math.Max(batch, evaluation) * ((16L * 28 * 28) + (32L * 14 * 14))), "at least the two convolutions' outputs");
    }

    private static void AssertTheEstimateCountsWhatTheLayersAllocate(int batch, int evaluation, bool fusesBlocks, string[] layers)
    {
        LayerDefinition[] definitions = Parse(layers);
        Shape input = layers[0].StartsWith("dense", StringComparison.Ordinal) ? Shape.Flat(784) : Mnist;
        int capacity = Math.Max(batch, evaluation);
        var random = new System.Random(5);
        float[] x = [.. Enumerable.Range(0, capacity * input.Size).Select(_ => (float)random.NextDouble())];

        // The products' per-thread panels are allocated once per thread, whatever the network: not the network's. A run of
        // the same network first grows them to what its products take, so the bytes measured do not depend on which test
        // ran before.
        Run(NetworkBuilder.Build(definitions, input, capacity, "he_normal", seed: 1));

        long before = GC.GetAllocatedBytesForCurrentThread();
        float[] logits = Run(NetworkBuilder.Build(definitions, input, capacity, "he_normal", seed: 1));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long estimated = NetworkBuilder.Values(definitions, input, capacity, threads: 1, stateArrays: 0, trainingRows: batch, fusesBlocks) * sizeof(float);

        Assert.That(logits, Is.Not.Empty);
        Assert.That(estimated, Is.GreaterThanOrEqualTo(allocated), "never less than the layers allocate");
        Assert.That(estimated, Is.LessThanOrEqualTo(allocated * 1.25), "and not far more");

        float[] Run(Sequential network)
        {
            network.FusesBlocks = fusesBlocks;
            network.IsTraining = true;
            network.Forward(x, batch);
            network.Backward(new float[batch * network.OutputSize], batch);
            network.IsTraining = false;
            return network.Forward(x, evaluation);
        }
    }

    [Test]
    public void TheEstimate_OfTheCnnRecipe_AtTwelveThousandRows_HoldsNoBatchOfConvolutionOutputs()
    {
        // The 16 and 32 filters' full-batch outputs alone (16 × 28 × 28 + 32 × 14 × 14 values a row, four arrays each
        // counting their gradients) were 4.5 GiB of the 5.0 GiB the check used to ask for; the blocks work image by image.
        LayerDefinition[] cnn = Parse(["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 128", "relu", "dense 10"]);
        long bytes = NetworkBuilder.Values(cnn, Mnist, 12_000, threads: 1, stateArrays: 1, trainingRows: 12_000) * sizeof(float);
        long pooled = 12_000L * ((16 * 14 * 14) + (32 * 7 * 7)) * sizeof(float);

        Assert.That(bytes, Is.GreaterThan(2 * pooled), "the pooled outputs and where each maximum sat");
        Assert.That(bytes, Is.LessThan(1L << 30), "less than 1 GiB");
    }

    /// <summary>
    /// Random networks over every kind, numbers from tiny to the grammar's limit: each is refused cheaply, or built (when
    /// small enough for a test) and run forward and backward, fused and layer by layer, on its full capacity and on one row.
    /// </summary>
    [Test]
    public void EveryNetworkTheGrammarAccepts_IsRefusedCheaplyOrBuildsAndRuns()
    {
        var random = new System.Random(20240611);
        int refused = 0, atALimit = 0, ran = 0, tooLargeToRun = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            string[] text = RandomNetwork(random);
            LayerDefinition[] definitions = Parse(text);
            Shape input = random.Next(3) == 0 ? Mnist : new Shape(1 + random.Next(3), 1 + random.Next(12), 1 + random.Next(12));
            int capacity = 1 + random.Next(3);
            string network = $"[{string.Join(" | ", text)}] on {input}, {capacity} rows";

            long before = GC.GetAllocatedBytesForCurrentThread();
            long values;
            try
            {
                // The builder's two checks: the runtime's array limits, then the ceilings a model file may hold.
                values = NetworkPlan.Check(definitions, input, capacity, threads: 1);
                NetworkLimits.Check(definitions, input, capacity);
            }
            catch (NetworkDefinitionException e)
            {
                refused++;
                atALimit += e.Message.Contains(" may take", StringComparison.Ordinal) || e.Message.Contains("one array holds", StringComparison.Ordinal) || e.Message.Contains("model file holds", StringComparison.Ordinal) ? 1 : 0;
                Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(RefusalBytes), network);
                Assert.That(e.Message, Does.Match(@"^layer \d+ \(").And.Contain(" gets "), network);
                Assert.Throws<NetworkDefinitionException>(() => NetworkBuilder.Build(definitions, input, capacity, "he_normal", seed: 1), network);
                continue;
            }

            if (values > RunnableValues)
            {
                tooLargeToRun++;
                continue;
            }

            Assert.DoesNotThrow(() => Run(definitions, input, capacity, random), network);
            ran++;
        }

        TestContext.Out.WriteLine($"refused {refused} ({atALimit} at a size limit), ran {ran}, accepted but too large to run here {tooLargeToRun}");
        Assert.That(atALimit, Is.GreaterThan(50), "the sweep reaches the size limits");
        Assert.That(ran, Is.GreaterThan(300), "the sweep builds and runs networks of every kind");
    }

    private static void Run(LayerDefinition[] definitions, Shape input, int capacity, System.Random random)
    {
        Sequential network = NetworkBuilder.Build(definitions, input, capacity, "he_normal", seed: 1);
        network.IsTraining = true;
        foreach (bool fused in new[] { true, false })
        {
            network.FusesBlocks = fused;
            foreach (int n in new[] { capacity, 1 })
            {
                float[] x = Enumerable.Range(0, n * network.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
                float[] logits = network.Forward(x, n);
                Assert.That(logits.Length, Is.GreaterThanOrEqualTo(n * network.OutputSize));
                float[] dLogits = Enumerable.Range(0, n * network.OutputSize).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
                network.Backward(dLogits, n);
            }
        }
    }

    private static string[] RandomNetwork(System.Random random)
    {
        var layers = new List<string>();
        int count = 1 + random.Next(6);
        for (int i = 0; i < count; i++)
        {
            // A conv → relu → maxpool block now and then, as the fused kernels take it.
            if (random.Next(6) == 0)
            {
                layers.AddRange([$"conv {Number(random)} {Number(random)}x{Number(random)}{Options(random)}", "relu", $"maxpool {Number(random)}"]);
                continue;
            }

            layers.Add(random.Next(10) switch
            {
                0 or 1 => $"conv {Number(random)} {Number(random)}x{Number(random)}{Options(random)}",
                2 => $"maxpool {Number(random)}{(random.Next(2) == 0 ? string.Empty : $" stride {Number(random)}")}",
                3 => $"avgpool {Number(random)}{(random.Next(2) == 0 ? string.Empty : $" stride {Number(random)}")}",
                4 => "batchnorm",
                5 => string.Create(CultureInfo.InvariantCulture, $"dropout {random.NextDouble() * 0.9:F2}"),
                6 => new[] { "relu", "leaky_relu", "sigmoid", "tanh" }[random.Next(4)],
                7 => "flatten",
                _ => $"dense {Number(random)}",
            });
        }

        return [.. layers];
    }

    private static string Options(System.Random random) =>
        (random.Next(2) == 0 ? string.Empty : $" stride {Number(random)}") + (random.Next(2) == 0 ? string.Empty : $" pad {Number(random) - 1}");

    // Mostly tiny, sometimes moderate, now and then anywhere up to the grammar's limit (log-uniform).
    private static int Number(System.Random random) => random.Next(10) switch
    {
        < 5 => 1 + random.Next(4),
        < 8 => 1 + random.Next(32),
        _ => (int)Math.Min(LayerSyntax.MaxNumber, Math.Round(Math.Pow(2, random.NextDouble() * 20))),
    };
}
