using Microsoft.Extensions.Hosting;
using ScratchNet.Core.Layers;
using ScratchNet.Host.Settings;
using ScratchNet.Models;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Settings;

/// <summary>evaluate takes the data a model file records as a whole, or none of it when the user names other data.</summary>
public sealed class RecordedSettingsTests
{
    private TempDirectory _dir = null!;
    private string _model = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _model = _dir.Combine("digits.snm");
        var recorded = new Dictionary<string, string> { ["Data:Dataset"] = "idx", ["Data:Directory"] = "/data/digits", ["Data:ClassNames"] = "zero,one,two", ["Data:Split"] = "official" };
        ModelFile.Save(SavedModel.FromNetwork(Sequential.Mlp([4, 3], "relu", "he_normal", 9, 1), recorded, null), _model, ModelFormat.Native);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private RecordedSettings? Recorded(params string[] args)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["evaluate", "--model", _model, .. args]);
        return RecordedSettings.OfModelData(_model, builder.Configuration);
    }

    [Test]
    public void WithoutDataSettingsEvaluateTakesEveryDataSettingTheModelRecords()
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["evaluate", "--model", _model]);

        Assert.That(builder.Configuration["Data:Dataset"], Is.EqualTo("idx"));
        Assert.That(builder.Configuration["Data:ClassNames"], Is.EqualTo("zero,one,two"));
        Assert.That(Recorded("--Data:Split=random"), Is.Not.Null, "a split of the same data still reads the model's folder");
    }

    [Test]
    public void ACheckpointFromBeforeCheckpointsCarriedEarlyStopping_TakesItFromItsRunsConfigJson()
    {
        // A run folder as an older build left it: run.json naming the checkpoint folder, config.json with every setting,
        // and a checkpoint whose settings stop at Data, Model, Training, Optimizer and Schedule.
        string runs = _dir.Combine("runs");
        string run = Path.Combine(runs, "20261126-000000-00000001");
        string checkpoints = Path.Combine(run, "checkpoints");
        Directory.CreateDirectory(checkpoints);
        new ScratchNet.Host.Runs.RunStatus { Id = Path.GetFileName(run), Checkpoints = checkpoints }.Write(run);
        File.WriteAllText(Path.Combine(run, EffectiveConfiguration.FileName), """
            { "EarlyStopping:Enabled": { "value": "True", "source": "command line (--EarlyStopping:Enabled)" },
              "EarlyStopping:Patience": { "value": "1", "source": "command line (--EarlyStopping:Patience)" },
              "Checkpoints:KeepLast": { "value": "7", "source": "command line (--Checkpoints:KeepLast)" },
              "Checkpoints:Directory": { "value": "/elsewhere", "source": "command line (--Checkpoints:Directory)" } }
            """);
        var checkpoint = new ScratchNet.Training.Checkpoints.Checkpoint();
        checkpoint.Settings["Training:Epochs"] = "8";
        string path = Path.Combine(checkpoints, "ckpt-e0002-b000000.ckpt");
        ScratchNet.Training.Checkpoints.CheckpointFile.Save(path, checkpoint);

        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", "--resume", path, $"--Run:Directory={runs}"]);

        Assert.That(builder.Configuration["EarlyStopping:Enabled"], Is.EqualTo("True"));
        Assert.That(builder.Configuration["EarlyStopping:Patience"], Is.EqualTo("1"));
        Assert.That(builder.Configuration["Checkpoints:KeepLast"], Is.EqualTo("7"));
        Assert.That(builder.Configuration["Checkpoints:Directory"], Is.Not.EqualTo("/elsewhere"), "the folder is the run's own, from run.json");
        Assert.That(builder.Configuration["Training:Epochs"], Is.EqualTo("8"));
    }

    [Test]
    public void AResumeKeepsTheThreadCountItsRunUsed_UnlessGivenAnother()
    {
        // A sweep trains with one thread per run so that two runs share two cores; a plain resume must not take them all.
        string runs = _dir.Combine("runs");
        string run = Path.Combine(runs, "20261126-000000-00000002");
        string checkpoints = Path.Combine(run, "checkpoints");
        Directory.CreateDirectory(checkpoints);
        new ScratchNet.Host.Runs.RunStatus { Id = Path.GetFileName(run), Checkpoints = "checkpoints" }.Write(run);
        File.WriteAllText(Path.Combine(run, EffectiveConfiguration.FileName), """
            { "Training:Threads": { "value": "1", "source": "command line (--Training:Threads)" } }
            """);
        var checkpoint = new ScratchNet.Training.Checkpoints.Checkpoint();
        checkpoint.Settings["Training:Epochs"] = "8";
        checkpoint.Settings["EarlyStopping:Enabled"] = "False";
        string path = Path.Combine(checkpoints, "ckpt-e0002-b000000.ckpt");
        ScratchNet.Training.Checkpoints.CheckpointFile.Save(path, checkpoint);

        Assert.That(ScratchNetHost.CreateBuilder(["train", "--resume", path, $"--Run:Directory={runs}"]).Configuration["Training:Threads"], Is.EqualTo("1"));
        Assert.That(ScratchNetHost.CreateBuilder(["train", "--resume", path, $"--Run:Directory={runs}", "--Training:Threads=2"]).Configuration["Training:Threads"], Is.EqualTo("2"));
    }

    [Test]
    public void NamingAnotherDatasetTakesNoneOfThem_SoTheModelsClassNamesAreNotLeftOnData_TheyDoNotBelongTo()
    {
        Assert.That(Recorded("--Data:Dataset=mnist"), Is.Null);

        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["evaluate", "--model", _model, "--Data:Dataset=mnist"]);
        Assert.That(builder.Configuration["Data:ClassNames"], Is.Null);
        Assert.That(builder.Configuration["Data:Directory"], Is.Null);
    }

    // A model file whose run recorded a four-layer Model:Layers (its tensors do not matter to what is layered).
    private string FourLayerModel()
    {
        string path = _dir.Combine("four.snm");
        var recorded = new Dictionary<string, string> { ["Model:Layers:0"] = "flatten", ["Model:Layers:1"] = "dense 10", ["Model:Layers:2"] = "relu", ["Model:Layers:3"] = "dense 10" };
        ModelFile.Save(SavedModel.FromNetwork(Sequential.Mlp([4, 3], "relu", "he_normal", 9, 1), recorded, null), path, ModelFormat.Native);
        return path;
    }

    [Test]
    public void InitFromWithoutANetworkGiven_TakesTheNetworkTheFileRecords()
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", "--Model:InitFrom=" + FourLayerModel()]);

        Assert.That(builder.Configuration.GetSection("Model:Layers").GetChildren().Select(c => c.Value), Is.EqualTo(new[] { "flatten", "dense 10", "relu", "dense 10" }));
    }

    [TestCase("--Model:Layers:0=flatten", "--Model:Layers:1=dense 10")]
    [TestCase("--Model:LayerSizes=784,10")]
    [TestCase("--recipe", "fast")]
    public void InitFromWithANetworkGiven_TakesNoneOfTheFilesNetwork_SoNoneOfItsItemsMergeIntoTheGivenOne(params string[] network)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", "--Model:InitFrom=" + FourLayerModel(), .. network]);

        Assert.That(builder.Configuration["Model:Layers:2"], Is.Null, "the file's third layer is not kept after a given list");
        Assert.That(IgnoredKeys.Problems(builder.Configuration), Is.Empty, "a given Model:LayerSizes is not refused as beside the file's Model:Layers");
        Assert.That(ListMerges.Problems(builder.Configuration), Is.Empty);
    }

    [Test]
    public void InitFromUnderARecipesNetwork_TrainsTheRecipesNetwork()
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", "--recipe", "cnn", "--Model:InitFrom=" + FourLayerModel()]);

        Assert.That(builder.Configuration.GetSection("Model:Layers").GetChildren().Count(), Is.EqualTo(10));
        Assert.That(builder.Configuration["Model:Layers:3"], Is.EqualTo("conv 32 3x3 pad 1"));
    }
}
