using Microsoft.Extensions.Hosting;
using ScratchNet.Host.Settings;
using ScratchNet.Host.Tests.Support;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Settings;

/// <summary>
/// probe-cnn G4: an empty Model:Layers the user wrote ("Layers": [] or {}, --Model:Layers=) trained the default MLP, or a
/// recipe's CNN, without a word: .NET's configuration keeps the key without a value and the binder skips it.
/// </summary>
public sealed class EmptyListsTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static IReadOnlyList<string> Problems(params string[] args)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(args);
        return [.. EmptyLists.Problems(builder.Configuration, ConfigurationCheck.Schema(builder).IsList)];
    }

    [TestCase("[]")]
    [TestCase("{}")]
    [TestCase("null")]
    public void AnEmptyNetworkInAConfigFile_IsRefusedNamingTheFile(string empty)
    {
        string config = _dir.Combine("e.json");
        File.WriteAllText(config, $$"""{ "Model": { "Layers": {{empty}} } }""");

        Assert.That(Problems("--config", config), Is.EqualTo(new[]
        {
            $"Model:Layers is empty (from {config}); give at least one item (Model:Layers:0=…, or a JSON array of them), or leave it out for the MLP of Model:LayerSizes",
        }));
        Assert.That(Problems("--recipe", "cnn", "--config", config), Has.Count.EqualTo(1), "over a recipe's network too");
    }

    [Test]
    public void AnEmptyNetworkOnTheCommandLine_IsRefused_AndAnyOtherEmptyList()
    {
        Assert.That(Problems("--Model:Layers="), Has.One.StartsWith("Model:Layers is empty (from command line (--Model:Layers))"));
        Assert.That(Problems("--Data:Mirrors= "), Has.One.EqualTo(
            "Data:Mirrors is empty (from command line (--Data:Mirrors)); give at least one item (Data:Mirrors:0=…, or a JSON array of them), or leave it out to keep the default"));
    }

    [Test]
    public void ListsWithItems_AndEmptyScalars_AreNoneOfItsBusiness()
    {
        Assert.That(Problems("--Model:Layers:0=flatten", "--Model:Layers:1=dense 10", "--Model:InitFrom="), Is.Empty);
        Assert.That(Problems("--recipe", "cnn"), Is.Empty);
    }

    [Test]
    public void Train_WithAnEmptyNetwork_ExitsWith2_InOneLine_BeforeAnyRunFolder()
    {
        string config = _dir.Combine("e.json");
        File.WriteAllText(config, """{ "Model": { "Layers": [] } }""");

        HostResult result = HostProcess.Run(["train", "--config", config, "--Run:Directory", _dir.Combine("runs")], _dir.Path);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration), result.ToString());
        Assert.That(result.Stderr, Does.Contain("Model:Layers is empty (from ").And.Not.Contain("   at "));
        Assert.That(Directory.Exists(_dir.Combine("runs")), Is.False, "no run folder");
    }
}
