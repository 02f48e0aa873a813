using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScratchNet.Host.Settings;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests.Settings;

/// <summary>A value the binder cannot convert says what the key takes, in a user's words, and which source set it.</summary>
public sealed class ValueErrorsTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [TestCase("0,01", "Optimizer:LearningRate", "System.Single", "Optimizer:LearningRate must be a number written with '.' (e.g. 0.01), got '0,01'")]
    [TestCase("0,2", "Data:ValidationFraction", "System.Double", "Data:ValidationFraction must be a number written with '.' (e.g. 0.01), got '0,2'")]
    [TestCase("1,000", "Training:Epochs", "System.Int32", "Training:Epochs must be a whole number written with the digits 0-9 and no separators (e.g. 1000), got '1,000'")]
    [TestCase("１", "Data:TrainImages", "System.Nullable`1[System.Int32]", "Data:TrainImages must be a whole number written with the digits 0-9 and no separators (e.g. 1000), got '１'")]
    [TestCase("yes", "Training:Shuffle", "System.Boolean", "Training:Shuffle must be true or false, got 'yes'")]
    [TestCase("it's", "Training:Shuffle", "System.Boolean", "Training:Shuffle must be true or false, got 'it's'")]
    public void AValueOfTheWrongType_SaysWhatTheKeyTakes_WithoutADotNetTypeName(string value, string key, string type, string expected) =>
        Assert.That(ValueErrors.Conversion($"Failed to convert configuration value '{value}' at '{key}' to type '{type}'."), Is.EqualTo(expected));

    [Test]
    public void AnotherMessage_ComesBackAsItIs()
    {
        Assert.That(ValueErrors.Conversion("Failed to convert configuration value 'x' at 'A:B' to type 'Some.Unknown.Type'."), Is.EqualTo("Failed to convert configuration value 'x' at 'A:B' to type 'Some.Unknown.Type'"));
        Assert.That(ValueErrors.Conversion("something else."), Is.EqualTo("something else"));
    }

    [Test]
    public void EveryBadValue_NamesTheSourceThatSetIt()
    {
        string config = _dir.Combine("de.json");
        File.WriteAllText(config, """{ "Optimizer": { "LearningRate": "0,01" }, "Training": { "Threads": 0 } }""");
        using IHost host = TestHost.Build(["--config", config, "--Training:Epochs=1,000", "--Training:Shuffle=ja", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.Message, Does.Contain($"Optimizer:LearningRate must be a number written with '.' (e.g. 0.01), got '0,01' (from {config})"));
        Assert.That(failure.Message, Does.Contain("Training:Epochs must be a whole number written with the digits 0-9 and no separators (e.g. 1000), got '1,000' (from command line (--Training:Epochs))"));
        Assert.That(failure.Message, Does.Contain("Training:Shuffle must be true or false, got 'ja' (from command line (--Training:Shuffle))"));
        Assert.That(failure.Message, Does.Contain($"Training:Threads must be 'auto' (one per core) or a whole number from 1 to {Math.Max(1024, Environment.ProcessorCount)}, got 0 (from {config})"));
        Assert.That(failure.Message, Does.Not.Contain("System.").And.Not.Contain("Failed to convert"));
    }

    [Test]
    public void ARangeError_NamesItsSourceToo_AndADefaultNone()
    {
        using IHost host = TestHost.Build(["--Optimizer:LearningRate=Infinity", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.Message, Is.EqualTo("Configuration is invalid: Optimizer:LearningRate must be a finite positive number, got Infinity (from command line (--Optimizer:LearningRate))"));
    }

    [TestCase("1e999", "got 1e999")]
    [TestCase("-1e-3", "got -1e-3")]
    public void ARangeError_EchoesTheValueAsTheUserWroteIt_NotAsDotNetPrintsIt(string written, string expected)
    {
        using IHost host = TestHost.Build([$"--Optimizer:LearningRate={written}", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.Message, Is.EqualTo($"Configuration is invalid: Optimizer:LearningRate must be a finite positive number, {expected} (from command line (--Optimizer:LearningRate))"));
    }

    // The float of what was written broke the rule, so the echo alone would satisfy the range the line states.
    [TestCase("Model:Dropout", "0.99999999", "Model:Dropout must be in [0, 1), got 0.99999999, which rounds to 1 in single precision: use at most 0.99999994")]
    [TestCase("Optimizer:LearningRate", "1e-46", "Optimizer:LearningRate must be a finite positive number, got 1e-46, which rounds to 0 in single precision: use at least 1.4e-45")]
    [TestCase("Optimizer:WeightDecay", "1e39", "Optimizer:WeightDecay must be a finite number ≥ 0, got 1e39, which rounds to infinity in single precision: use at most 3.4e38")]
    public void AFloatSettingRefusedForItsRounding_SaysWhatItRoundsTo(string key, string written, string expected)
    {
        using IHost host = TestHost.Build([$"--{key}={written}", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.Message, Does.StartWith($"Configuration is invalid: {expected}").And.EndWith($"(from command line (--{key}))"));
    }

    [TestCase("Optimizer:Beta2", "0.99999999")]
    [TestCase("Optimizer:Alpha", "0.99999999")]
    public void EveryFloatSetting_SaysWhatItRoundsTo(string key, string written)
    {
        string optimizer = key.EndsWith("Beta2", StringComparison.Ordinal) ? "adam" : "rmsprop";
        using IHost host = TestHost.Build([$"--Optimizer:Name={optimizer}", $"--{key}={written}", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.Message, Does.Contain($"{key} must be in [0, 1), got {written}, which rounds to 1 in single precision: use at most 0.99999994"));
    }

    // A double setting is refused for what was written; its float is beside the point.
    [Test]
    public void ADoubleSetting_SaysNothingOfSinglePrecision()
    {
        using IHost host = TestHost.Build(["--Data:ValidationFraction=1e39", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.Message, Is.EqualTo("Configuration is invalid: Data:ValidationFraction must be in (0, 1), got 1e39 (from command line (--Data:ValidationFraction))"));
    }

    // The documented form, "digits 0-9": .NET's own converters also took +5, 0x10 (16) and #10.
    [TestCase("+5")]
    [TestCase("0x10")]
    [TestCase("#10")]
    public void AWholeNumberWrittenOtherwiseThanWithDigits_IsRefused(string written)
    {
        using IHost host = TestHost.Build([$"--Training:Epochs={written}", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.Message, Is.EqualTo($"Configuration is invalid: Training:Epochs must be a whole number written with the digits 0-9 and no separators (e.g. 1000), got '{written}' (from command line (--Training:Epochs))"));
    }

    // Written as documented, so "digits 0-9" would be no help: the number is beyond what the setting holds.
    [TestCase("Training:Seed", "2147483648", "Training:Seed must be at most 2147483647, got '2147483648'")]
    [TestCase("Training:Epochs", "99999999999", "Training:Epochs must be at most 2147483647, got '99999999999'")]
    [TestCase("Data:Seed", "-2147483649", "Data:Seed must be at least -2147483648, got '-2147483649'")]
    [TestCase("Data:TrainImages", "99999999999999999999999", "Data:TrainImages must be at most 2147483647, got '99999999999999999999999'")]
    public void AWholeNumberBeyondTheSettingsRange_SaysSoAndGivesTheLimit(string key, string written, string expected)
    {
        using IHost host = TestHost.Build([$"--{key}={written}", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.Message, Is.EqualTo($"Configuration is invalid: {expected} (from command line (--{key}))"));
    }

    // A key with a limit of its own gives that one, not the type's, which would be refused as well.
    [TestCase("Training:BatchSize", "99999999999", "Training:BatchSize must be 1 to 1048576 rows, got 99999999999")]
    [TestCase("Training:EvaluationBatchSize", "-99999999999", "Training:EvaluationBatchSize must be 1 to 1048576 rows, got -99999999999")]
    [TestCase("Training:Epochs", "-99999999999", "Training:Epochs must be at least 1, got -99999999999")]
    [TestCase("Data:TrainImages", "-99999999999", "Data:TrainImages must be at least 1 (or left out for every image), got -99999999999")]
    public void AWholeNumberBeyondTheSettingsRange_GivesTheKeysOwnLimit_WhereItHasOne(string key, string written, string expected)
    {
        using IHost host = TestHost.Build([$"--{key}={written}", "--Training:Shuffle=maybe", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.Message, Does.Contain($"{expected} (from command line (--{key}))"));
        Assert.That(failure.Message, Does.Not.Contain("2147483647").And.Not.Contain("2147483648"), "the type's limit is not the key's");
        Assert.That(failure.Message, Does.Contain("Training:Shuffle must be true or false, got 'maybe'"), "the other values are still checked");
    }

    [TestCase("-1", "Training:Seed", "System.UInt32", "Training:Seed must be at least 0, got '-1'")]
    [TestCase("300", "A:B", "System.Byte", "A:B must be at most 255, got '300'")]
    [TestCase("-9223372036854775809", "A:B", "System.Int64", "A:B must be at least -9223372036854775808, got '-9223372036854775809'")]
    public void EveryWholeNumberType_GivesItsOwnLimit(string value, string key, string type, string expected) =>
        Assert.That(ValueErrors.Conversion($"Failed to convert configuration value '{value}' at '{key}' to type '{type}'."), Is.EqualTo(expected));

    // Seeds take any whole number the setting holds, negative ones too (README's configuration table says so).
    [TestCase("-1")]
    [TestCase("-2147483648")]
    [TestCase("2147483647")]
    public void ASeed_MayBeAnyWholeNumberItHolds(string written)
    {
        using IHost host = TestHost.Build([$"--Training:Seed={written}", $"--Data:Seed={written}", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        host.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.That(host.Services.GetRequiredService<IOptions<ScratchNet.Training.Options.TrainingOptions>>().Value.Seed, Is.EqualTo(int.Parse(written, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("5", 5)]
    [TestCase(" 7 ", 7)]
    public void AWholeNumberInDigits_IsRead(string written, int epochs)
    {
        using IHost host = TestHost.Build([$"--Training:Epochs={written}", $"--Run:Directory={_dir.Combine("runs")}"], SyntheticMnist.Create());

        Assert.That(host.Services.GetRequiredService<IOptions<ScratchNet.Training.Options.TrainingOptions>>().Value.Epochs, Is.EqualTo(epochs));
    }

    [Test]
    public void AKeyReadOutsideTheOptions_IsReportedTheSameWay()
    {
        var error = Assert.Catch(() => ScratchNetHost.CreateBuilder(["train", "--Dashboard:Enabled=yes"]));

        Assert.That(Failure.From(error!).Message, Is.EqualTo("Configuration is invalid: Dashboard:Enabled must be true or false, got 'yes' (from command line (--Dashboard:Enabled))"));
    }
}
