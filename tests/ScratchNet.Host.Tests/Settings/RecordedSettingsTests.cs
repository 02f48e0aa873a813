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
    public void NamingAnotherDatasetTakesNoneOfThem_SoTheModelsClassNamesAreNotLeftOnData_TheyDoNotBelongTo()
    {
        Assert.That(Recorded("--Data:Dataset=mnist"), Is.Null);

        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["evaluate", "--model", _model, "--Data:Dataset=mnist"]);
        Assert.That(builder.Configuration["Data:ClassNames"], Is.Null);
        Assert.That(builder.Configuration["Data:Directory"], Is.Null);
    }
}
