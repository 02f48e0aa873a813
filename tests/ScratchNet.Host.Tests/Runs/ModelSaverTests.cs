using ScratchNet.Host.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Core.Layers;
using ScratchNet.Data;
using ScratchNet.Models;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using static Microsoft.Extensions.Options.Options;
using ScratchNet.Data.Splits;

namespace ScratchNet.Host.Tests.Models;

public sealed class ModelSaverTests
{
    [Test]
    public void OnTrainEnd_SavesTheNetworkWithConfigurationAndManifest()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"scratchnet-run-{Guid.NewGuid():N}");
        try
        {
            IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Model:LayerSizes"] = "4,3,2",
                ["Model:Activation"] = "relu",
                ["Training:Seed"] = "11",
                ["Serilog:MinimumLevel"] = "Debug",
            }).Build();
            Sequential network = Sequential.Mlp([4, 3, 2], "relu", "he_normal", 11, 2);
            DataSplit split = DataSplit.FromLabels([0, 1, 0, 1, 1, 0, 1, 0], [0, 1], 4, 2);
            var dataset = new Dataset("tiny", split, split, ["a", "b"]);
            var saver = new ModelSaver(new RunFolder(folder), configuration, Create(new TrainingOptions { Seed = 11 }), NullLogger<ModelSaver>.Instance);
            var context = new TrainingContext(network, new Sgd(0.1f), dataset, 1, 1);
            var result = new TrainingResult([], new EvaluationResult(0, 0, new ScratchNet.Core.Metrics.ConfusionMatrix(2)), network, dataset.ClassNames);

            saver.OnTrainEnd(context, result);

            SavedModel saved = ModelFile.Load(Path.Combine(folder, "model.snm"));
            Assert.That(saved.LayerSizes, Is.EqualTo(new[] { 4, 3, 2 }));
            Assert.That(saved.Tensors[0].Data, Is.EqualTo(network.Parameters[0].Value));
            Assert.That(saved.Configuration["Training:Seed"], Is.EqualTo("11"));
            Assert.That(saved.Configuration.ContainsKey("Serilog:MinimumLevel"), Is.False, "only the sections that define the model are kept");
            Assert.That(saved.Manifest!.Seed, Is.EqualTo(11));
            Assert.That(saved.Manifest.DatasetSha256, Is.EqualTo(DatasetHash.Sha256(dataset)).And.Length.EqualTo(64));
            Assert.That(saved.Manifest.CodeVersion, Is.Not.Empty.And.Not.EqualTo("unknown"));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Test]
    public void OnTrainEnd_RecordsTheImagesOfAnMlpThatAreNoSquare_AndTheDataTheWeightsItStartedFromHadSeen()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"scratchnet-run-{Guid.NewGuid():N}");
        try
        {
            Sequential network = Sequential.Mlp([6, 3, 2], "relu", "he_normal", 11, 2);
            DataSplit split = DataSplit.FromLabels(new float[12], [0, 1], 6, 2);
            var dataset = new Dataset("tiny", split, split, ["a", "b"]) { InputShape = new Shape(1, 2, 3) };
            var starting = new StartingWeights();
            starting.Record([new DataHistoryEntry("/runs/a/model.snm", new Dictionary<string, string> { ["Data:Split"] = "official" })]);
            var saver = new ModelSaver(new RunFolder(folder), new ConfigurationBuilder().Build(), Create(new TrainingOptions()), NullLogger<ModelSaver>.Instance, starting);
            var result = new TrainingResult([], new EvaluationResult(0, 0, new ScratchNet.Core.Metrics.ConfusionMatrix(2)), network, dataset.ClassNames);

            saver.OnTrainEnd(new TrainingContext(network, new Sgd(0.1f), dataset, 1, 1), result);

            SavedModel saved = ModelFile.Load(Path.Combine(folder, "model.snm"));
            Assert.That(saved.ImageShape, Is.EqualTo(new RowShape(1, 2, 3)), "the trainer knew the images' shape");
            Assert.That(saved.DataHistory.Single().Source, Is.EqualTo("/runs/a/model.snm"));
            Assert.That(saved.DataHistory.Single().Data!["Data:Split"], Is.EqualTo("official"));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Test]
    public void OnTrainEnd_SavesTheModelToTheTempFolder_WhenTheRunFolderCannotTakeIt_AndSaysSoInOneLine()
    {
        // A file where the run folder should be: the write fails as it would on a full or vanished disk.
        string blocker = Path.Combine(Path.GetTempPath(), $"scratchnet-blocker-{Guid.NewGuid():N}");
        File.WriteAllText(blocker, "a file");
        var folder = new RunFolder(Path.Combine(blocker, "run"));
        string fallback = Path.Combine(Path.GetTempPath(), $"scratchnet-{folder.Id}-{ModelSaver.FileName}");
        try
        {
            Sequential network = Sequential.Mlp([4, 3, 2], "relu", "he_normal", 11, 2);
            DataSplit split = DataSplit.FromLabels([0, 1, 0, 1, 1, 0, 1, 0], [0, 1], 4, 2);
            var dataset = new Dataset("tiny", split, split, ["a", "b"]);
            var saver = new ModelSaver(folder, new ConfigurationBuilder().Build(), Create(new TrainingOptions()), NullLogger<ModelSaver>.Instance);
            var result = new TrainingResult([], new EvaluationResult(0, 0, new ScratchNet.Core.Metrics.ConfusionMatrix(2)), network, dataset.ClassNames);

            var e = Assert.Throws<RunOutputException>(() => saver.OnTrainEnd(new TrainingContext(network, new Sgd(0.1f), dataset, 1, 1), result));

            Assert.That(e!.Message, Does.StartWith($"Could not write {Path.Combine(blocker, "run", "model.snm")}").And.EndWith($"the model was saved to {fallback} instead, and the reports were not written."));
            Assert.That(Failure.From(e).ExitCode, Is.EqualTo(ExitCodes.OutputFailed));
            Assert.That(ModelFile.Load(fallback).Tensors[0].Data, Is.EqualTo(network.Parameters[0].Value));
            Assert.That(File.ReadAllText(blocker), Is.EqualTo("a file"));
        }
        finally
        {
            File.Delete(blocker);
            File.Delete(fallback);
        }
    }

    [Test]
    public void Configuration_LeavesOutTheMlpShorthand_WhenModelLayersDescribesTheNetwork()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Model:LayerSizes"] = "784,128,64,10",
            ["Model:Activation"] = "relu",
            ["Model:Dropout"] = "0",
            ["Model:Initializer"] = "he_normal",
            ["Model:Layers:0"] = "flatten",
            ["Model:Layers:1"] = "dense 10",
        }).Build();
        Assert.That(RunRecord.Configuration(configuration).Keys.Order(), Is.EqualTo(new[] { "Model:Initializer", "Model:Layers:0", "Model:Layers:1" }));
    }

    [Test]
    public void Configuration_RecordsAnIdxFolderAbsolute_SoEvaluateFromElsewhereFindsTheSameFiles()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Dataset"] = "idx",
            ["Data:Directory"] = "idx small/",
        }).Build();

        Assert.That(RunRecord.Configuration(configuration)["Data:Directory"], Is.EqualTo(Path.GetFullPath("idx small")));
    }
}
