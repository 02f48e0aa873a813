using Microsoft.Extensions.Hosting;
using ScratchNet.Host.Settings;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Settings;

/// <summary>
/// A list the user gives from item 0, in any source they write, is the whole list: shorter than one below it, it would
/// merge item by item and keep the lower list's last items, so the run stops; items set without item 0 change single items.
/// </summary>
public sealed class ListMergesTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static IReadOnlyList<string> Problems(params string[] args)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(args);
        return ListMerges.Problems(builder.Configuration);
    }

    [Test]
    public void AShorterListOnTheCommandLineOverARecipe_IsRefusedNamingTheRecipesItemsItWouldKeep()
    {
        IReadOnlyList<string> problems = Problems("--recipe", "cnn", "--Model:Layers:0=flatten", "--Model:Layers:1=dense 10");

        // The recipe is named as ConfigurationSources names shipped files (config/recipes/cnn.json, or its full path).
        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("Model:Layers has 2 items on the command line (--Model:Layers:N) but 10 in ")
            .And.Contain("recipes/cnn.json below it; lists merge item by item, so items 2 to 9 of ")
            .And.EndWith("recipes/cnn.json would be kept after yours: give the whole list where no longer one lies below it (leave out the recipe), or change single items by number without item 0 (--Model:Layers:N=…)"));
    }

    [Test]
    public void AShorterListInTheEnvironment_IsRefusedToo()
    {
        Environment.SetEnvironmentVariable("SCRATCHNET_Model__Layers__0", "flatten");
        Environment.SetEnvironmentVariable("SCRATCHNET_Model__Layers__1", "dense 10");
        try
        {
            Assert.That(Problems("--recipe", "cnn"), Has.One.StartsWith("Model:Layers has 2 items in the environment (SCRATCHNET_Model__Layers__N) but 10 in ").And.One.Contains("recipes/cnn.json below it"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCRATCHNET_Model__Layers__0", null);
            Environment.SetEnvironmentVariable("SCRATCHNET_Model__Layers__1", null);
        }
    }

    [Test]
    public void AShorterListOnTheCommandLineOverAConfigFile_IsRefusedNamingTheFile()
    {
        string config = _dir.Combine("four.json");
        File.WriteAllText(config, """{ "Model": { "Layers": [ "flatten", "dense 16", "relu", "dense 10" ] } }""");

        Assert.That(Problems("--config", config, "--Model:Layers:0=flatten", "--Model:Layers:1=dense 10"),
            Has.One.StartsWith($"Model:Layers has 2 items on the command line (--Model:Layers:N) but 4 in {config} below it; lists merge item by item, so items 2 to 3 of {config} would be kept after yours").And.One.Contains($"leave Model:Layers out of {config}"));
    }

    [Test]
    public void ItemsSetWithoutItemZero_OrAListAsLongAsTheOneBelow_ChangeItemsAsMeant()
    {
        string config = _dir.Combine("override.json");
        File.WriteAllText(config, """{ "Model": { "Layers": { "7": "dense 64" } } }""");

        Assert.That(Problems("--recipe", "cnn", "--Model:Layers:7=dense 64"), Is.Empty);
        Assert.That(Problems("--recipe", "cnn", "--config", config), Is.Empty);
        Assert.That(Problems(["--recipe", "cnn", .. Enumerable.Range(0, 10).Select(i => $"--Model:Layers:{i}={(i == 9 ? "dense 10" : "relu")}")]), Is.Empty);
        Assert.That(Problems("--Model:Layers:0=flatten", "--Model:Layers:1=dense 10"), Is.Empty, "no list below");
    }
}
