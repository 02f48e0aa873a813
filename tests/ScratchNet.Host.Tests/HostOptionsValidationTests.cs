using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Progress;
using ScratchNet.Host.Settings;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>Options are validated through the real host, as Program.cs does it, before anything starts.</summary>
public sealed class HostOptionsValidationTests
{
    private string _runs = null!;

    [SetUp]
    public void SetUp() => _runs = Path.Combine(Path.GetTempPath(), $"scratchnet-runs-{Guid.NewGuid():N}");

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_runs))
        {
            Directory.Delete(_runs, recursive: true);
        }
    }

    [Test]
    public void TheReferenceConfigurationIsValid()
    {
        using IHost host = TestHost.Build([$"--Run:Directory={_runs}"], SyntheticMnist.Create());

        Assert.DoesNotThrow(() => host.Services.GetRequiredService<IStartupValidator>().Validate());
    }

    [Test]
    public void EveryBadValueIsReportedTogetherOnOneLine()
    {
        using IHost host = TestHost.Build(
            [
                "--Optimizer:LearningRate=-0.5", "--Training:BatchSize=0", "--Training:Epochs=0",
                "--Optimizer:Name=adamw9", "--Model:Activation=swishy", "--Data:Dataset=cifar", "--Data:Augment:MaxRotationDegrees=400", $"--Run:Directory={_runs}",
            ],
            SyntheticMnist.Create());

        Exception error = Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!;
        Failure failure = Failure.From(error);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.IsBug, Is.False);
        Assert.That(failure.Message, Does.Not.Contain("\n"));
        Assert.That(failure.Message, Does.Contain("Optimizer:LearningRate must be a finite positive number, got -0.5"));
        Assert.That(failure.Message, Does.Contain("Training:BatchSize must be 1 to 1048576 rows, got 0"));
        Assert.That(failure.Message, Does.Contain("Training:Epochs must be at least 1, got 0"));
        Assert.That(failure.Message, Does.Contain("Optimizer:Name 'adamw9' is unknown; valid: sgd, adam, adamw, rmsprop"));
        Assert.That(failure.Message, Does.Contain("Model:Activation 'swishy' is unknown; valid: relu, leaky_relu, sigmoid, tanh"));
        Assert.That(failure.Message, Does.Contain("Data:Dataset must be one of mnist, fashion-mnist, idx, got 'cifar'"));
        Assert.That(failure.Message, Does.Contain("Data:Augment:MaxRotationDegrees must be 0 to 180 degrees, got 400"));
    }

    [Test]
    public void AValueOfTheWrongTypeIsReportedTogetherWithTheOtherFailures()
    {
        // Regression: the binder's conversion error used to escape the start-up validator and hide every other failure.
        using IHost host = TestHost.Build(["--Training:Epochs=abc", "--Optimizer:LearningRate=0", "--Model:Activation=nope", $"--Run:Directory={_runs}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.Message, Does.Contain("Training:Epochs must be a whole number written with the digits 0-9 and no separators (e.g. 1000), got 'abc' (from command line (--Training:Epochs))"));
        Assert.That(failure.Message, Does.Contain("Optimizer:LearningRate must be a finite positive number, got 0"));
        Assert.That(failure.Message, Does.Contain("Model:Activation 'nope' is unknown"));
    }

    [Test]
    public void AValueOfTheWrongTypeDoesNotHideTheOtherProblemsOfItsOwnSection()
    {
        using IHost host = TestHost.Build(["--Training:Epochs=0", "--Training:BatchSize=x", "--Training:Seed=y", $"--Run:Directory={_runs}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.Message, Does.Contain("Training:BatchSize must be a whole number written with the digits 0-9 and no separators (e.g. 1000), got 'x' (from command line (--Training:BatchSize))"));
        Assert.That(failure.Message, Does.Contain("Training:Seed must be a whole number written with the digits 0-9 and no separators (e.g. 1000), got 'y' (from command line (--Training:Seed))"));
        Assert.That(failure.Message, Does.Contain("Training:Epochs must be at least 1, got 0"));
        Assert.That(failure.Message, Does.Not.Contain("BatchSize must be 1 to"), "a value that did not bind is named once, as unconvertible");
    }

    [Test]
    public void AWarmUpLongerThanTheRunIsRejected_WhileAnInvalidEpochCountIsReportedAlone()
    {
        using IHost host = TestHost.Build(["--recipe", "cnn", "--Training:Epochs=1", "--Schedule:WarmupEpochs=2", $"--Run:Directory={_runs}"], SyntheticMnist.Create());
        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);
        Assert.That(failure.Message, Is.EqualTo(
            "Configuration is invalid: Schedule:WarmupEpochs is 2, more than Training:Epochs (1): the run would end inside the warm-up, " +
            "before the learning rate reaches Optimizer:LearningRate; set Schedule:WarmupEpochs to at most 1 (from command line (--Schedule:WarmupEpochs))"));

        using IHost bad = TestHost.Build(["--Training:Epochs=abc", "--Schedule:WarmupEpochs=2", $"--Run:Directory={_runs}"], SyntheticMnist.Create());
        Failure alone = Failure.From(Assert.Catch(() => bad.Services.GetRequiredService<IStartupValidator>().Validate())!);
        Assert.That(alone.Message, Does.Contain("Training:Epochs").And.Not.Contain("Schedule:WarmupEpochs"));
    }

    [Test]
    public void ALearningRateOfZeroIsRejected()
    {
        using IHost host = TestHost.Build(["--Optimizer:LearningRate=0", $"--Run:Directory={_runs}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.Message, Is.EqualTo("Configuration is invalid: Optimizer:LearningRate must be a finite positive number, got 0 (from command line (--Optimizer:LearningRate))"));
    }

    [Test]
    public void MalformedLayerSizesAreRejectedBeforeAnyDataIsLoaded()
    {
        using IHost host = TestHost.Build(["--Model:LayerSizes=784,abc,10", $"--Run:Directory={_runs}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.Message, Does.Contain("Model:LayerSizes '784,abc,10' has 'abc'"));
    }

    private static IEnumerable<string> CommandNames => CommandCatalog.Commands.Select(c => c.Name);

    // A bound options class with no property a wrong-typed value can reach: a value its validator refuses instead.
    private static readonly Dictionary<string, string> RefusedStringValues = new(StringComparer.Ordinal) { ["Run:Directory"] = string.Empty };

    [TestCaseSource(nameof(CommandNames))]
    public void EveryBoundOptionsClassIsValidatedBeforeTheCommandRuns_WhicheverCommandItIs(string command)
    {
        // Regression: Progress was bound without ValidateOnStart, so "diagnose --Progress:Enabled=maybe" ran and exited 0;
        // any options class the command never resolves would pass a bad value the same way.
        IReadOnlyList<(string Section, Type Type)> bound = ConfigurationSchema.FromServices(ScratchNetHost.CreateBuilder([command]).Services).BoundTypes;
        var keys = new List<string>();
        foreach ((string section, Type type) in bound)
        {
            string? key = type.GetProperties().Where(p => p.CanWrite && (p.PropertyType == typeof(bool) || p.PropertyType.IsPrimitive))
                .Select(p => $"{section}:{p.Name}").LastOrDefault() ?? RefusedStringValues.Keys.FirstOrDefault(k => k.StartsWith($"{section}:", StringComparison.Ordinal));
            Assert.That(key, Is.Not.Null, $"{type.Name} ({section}) has no bool or number property: add a value its validator refuses to {nameof(RefusedStringValues)}");
            keys.Add(key!);
        }

        string[] args = [command, .. keys.Select(k => $"--{k}={(RefusedStringValues.TryGetValue(k, out string? value) ? value : "maybe")}")];
        using IHost host = TestHost.Build(args, SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(bound.Select(b => b.Type), Does.Contain(typeof(ProgressOptions)));
        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.Multiple(() =>
        {
            foreach (string key in keys)
            {
                Assert.That(failure.Message, Does.Contain(key), $"{command}: a bad {key} is not refused at start");
            }

            // Checkpoints' folder is inside Run's: its failure comes by that route too, and is named once.
            Assert.That(failure.Message.Split("Run:Directory must name a folder").Length - 1, Is.EqualTo(1), failure.Message);
        });
    }

    [Test]
    public void EnvironmentVariablesOverrideTheRecipeAndTheCommandLineOverridesThem()
    {
        Environment.SetEnvironmentVariable("SCRATCHNET_Training__Epochs", "7");
        Environment.SetEnvironmentVariable("SCRATCHNET_Training__BatchSize", "9");
        try
        {
            using IHost host = TestHost.Build(["--Training:BatchSize=11", $"--Run:Directory={_runs}"], SyntheticMnist.Create());
            var training = host.Services.GetRequiredService<IOptions<Training.Options.TrainingOptions>>().Value;

            Assert.That(training.Epochs, Is.EqualTo(7));
            Assert.That(training.BatchSize, Is.EqualTo(11));
            Assert.That(training.Seed, Is.EqualTo(42), "the rest comes from config/appsettings.json");
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCRATCHNET_Training__Epochs", null);
            Environment.SetEnvironmentVariable("SCRATCHNET_Training__BatchSize", null);
        }
    }

    [Test]
    public void AConfigFileThatDoesNotExistIsAConfigurationErrorNamingIt()
    {
        string missing = Path.Combine(_runs, "nope.json");

        Exception error = Assert.Catch(() => TestHost.Build(["--config", missing], null))!;

        Failure failure = Failure.From(error);
        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.Message, Does.Contain(missing).And.Contain("does not exist"));
    }
}
