using System.Text;
using ScratchNet.Core.Layers;
using ScratchNet.Data.Options;
using ScratchNet.Host.Commands;
using ScratchNet.Models;

namespace ScratchNet.Host.Tests.Commands;

// A model given to someone else showed the trainer's folders and user name: the ONNX metadata held Data:Directory, a
// safetensors file from Model:InitFrom its source's absolute path.
public sealed class ExportPathsTests
{
    private const string Home = "/home/ann/secret";

    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    // An IDX model trained on from another file, as train records it: absolute folder and source paths.
    private string Model()
    {
        var configuration = new Dictionary<string, string>
        {
            ["Data:Dataset"] = "idx", ["Data:Directory"] = $"{Home}/digits", ["Data:Split"] = "random", ["Data:Seed"] = "42",
            ["Model:InitFrom"] = $"{Home}/base.safetensors", ["Data:CacheDirectory"] = $"{Home}/.cache/mnist",
        };
        SavedModel model = SavedModel.FromNetwork(Sequential.Mlp([4, 3], "relu", "he_normal", 9, 1), configuration, new RunManifest(9, "abc", "test", "2026-11-27T00:00:00Z")) with
        {
            DataHistory = [new DataHistoryEntry($"{Home}/base.safetensors", new Dictionary<string, string> { ["Data:Dataset"] = "idx", ["Data:Directory"] = $"{Home}/digits/", ["Data:Split"] = "official" })],
        };
        string path = _dir.Combine("model.snm");
        ModelFile.Save(model, path, ModelFormat.Native);
        return path;
    }

    private string Export(string model, string extension)
    {
        string output = _dir.Combine("exported" + extension);
        int exit = new ExportCommand(new ResultWriter(new StringWriter())).RunAsync(CommandLine.Parse(["export", "--model", model, "--out", output]), CancellationToken.None).Result;
        Assert.That(exit, Is.EqualTo(ExitCodes.Success));
        return output;
    }

    [TestCase(".onnx")]
    [TestCase(".safetensors")]
    public void SharedFormats_CarryNoLocalPath_OnlyTheNames(string extension)
    {
        string output = Export(Model(), extension);

        string bytes = Encoding.UTF8.GetString(File.ReadAllBytes(output));
        Assert.That(bytes, Does.Not.Contain("/home/ann"), "no folder of the trainer's anywhere in the file");
        Assert.That(bytes, Does.Contain("digits").And.Contain("base.safetensors"), "the names still say which data and weights");
    }

    [Test]
    public void Safetensors_ReadBack_NamesTheFolderAndTheHistorysFiles()
    {
        string output = Export(Model(), ".safetensors");

        (IReadOnlyDictionary<string, string> configuration, IReadOnlyList<DataHistoryEntry> history) = ModelFile.LoadRecord(output);
        Assert.That(configuration["Data:Directory"], Is.EqualTo("digits"));
        Assert.That(configuration["Model:InitFrom"], Is.EqualTo("base.safetensors"));
        Assert.That(history.Single().Source, Is.EqualTo("base.safetensors"));
        Assert.That(history.Single().Data!["Data:Directory"], Is.EqualTo("digits"));
    }

    [Test]
    public void Native_TheRunsOwnRecord_KeepsItsPaths()
    {
        // evaluate finds an IDX model's data by its recorded folder from any working folder.
        string output = Export(Model(), ".snm");

        Assert.That(ModelFile.LoadConfiguration(output)["Data:Directory"], Is.EqualTo($"{Home}/digits"));
    }

    [Test]
    public void AnExportsFolderName_StillTellsTheSameDataFromOther_SoTheHeldOutOverlapIsStillFound()
    {
        (IReadOnlyDictionary<string, string> configuration, IReadOnlyList<DataHistoryEntry> history) = ModelFile.LoadRecord(Export(Model(), ".safetensors"));
        IReadOnlyList<DataHistoryEntry> seen = TrainedData.Seen("exported.safetensors", configuration, history);

        HeldOutOverlap same = TrainedData.Overlap(seen, new DataOptions { Dataset = "idx", Directory = "/elsewhere/digits", Split = "random", Seed = 7 });
        HeldOutOverlap other = TrainedData.Overlap(seen, new DataOptions { Dataset = "idx", Directory = "/elsewhere/letters", Split = "random", Seed = 7 });

        Assert.That(same.Overlapping.Select(o => o.Source), Is.EqualTo(new[] { "exported.safetensors", "base.safetensors" }), "a folder of the same name is taken for the same data");
        Assert.That(other.Overlapping, Is.Empty, "another folder is a transfer");
    }

    // retest7 V5: evaluate B.snm warned twice, its own run's entry (/data/digits) and its ancestor's from an export
    // (digits, by name only), the same settings; evaluate of B's own export, where both are names, warned once.
    [Test]
    public void AnAncestorsFolderRecordedByNameOnly_IsTheSameDataAsTheFullPathOfThatName_SoItsOverlapIsSaidOnce()
    {
        var own = new Dictionary<string, string> { ["Data:Dataset"] = "idx", ["Data:Directory"] = $"{Home}/digits", ["Data:Split"] = "random", ["Data:Seed"] = "7" };
        var ancestor = new Dictionary<string, string> { ["Data:Dataset"] = "idx", ["Data:Directory"] = "digits", ["Data:Split"] = "random", ["Data:Seed"] = "7" };
        var elsewhere = new Dictionary<string, string>(ancestor) { ["Data:Directory"] = "/other/letters" };

        IReadOnlyList<DataHistoryEntry> seen = TrainedData.Seen("B.snm", own, [new DataHistoryEntry("A.safetensors", ancestor), new DataHistoryEntry("C.snm", elsewhere)]);
        HeldOutOverlap overlap = TrainedData.Overlap(seen, new DataOptions { Dataset = "idx", Directory = $"{Home}/digits", Split = "random", Seed = 9 });

        Assert.That(seen.Select(e => e.Source), Is.EqualTo(new[] { "B.snm", "C.snm" }), "a folder of another name stays another entry");
        Assert.That(overlap.Overlapping.Select(o => o.Source), Is.EqualTo(new[] { "B.snm" }));
    }
}
