using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ScratchNet.Data;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Settings;
using ScratchNet.Training;
using ScratchNet.Training.Options;

namespace ScratchNet.Host.Tests;

public sealed class FailureTests
{
    [Test]
    public void SeveralFailedOptionsClassesBecomeOneLineWithEveryMessage()
    {
        var aggregate = new AggregateException(
            new OptionsValidationException("", typeof(TrainingOptions), ["Training:Epochs must be at least 1, got 0", "Training:BatchSize must be at least 1, got 0"]),
            new OptionsValidationException("", typeof(OptimizerOptions), ["Optimizer:LearningRate must be a finite positive number, got 0"]));

        Failure failure = Failure.From(aggregate);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.IsBug, Is.False);
        Assert.That(failure.Message, Is.EqualTo(
            "Configuration is invalid: Training:Epochs must be at least 1, got 0; Training:BatchSize must be at least 1, got 0; Optimizer:LearningRate must be a finite positive number, got 0"));
    }

    [Test]
    public void RunningOutOfMemoryIsOneLineSayingWhatToMakeSmaller_NotABug()
    {
        Failure failure = Failure.From(new OutOfMemoryException());

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.IsBug, Is.False);
        Assert.That(failure.Message, Does.StartWith("Ran out of memory").And.Contain("ulimit -v").And.Contain("Training:BatchSize"));
    }

    // Each command's own rows: evaluate's are its evaluation chunks, diagnose's its --batch and its probe of validation rows.
    [TestCase("evaluate", "; lower Training:EvaluationBatchSize", "Training:BatchSize")]
    [TestCase("diagnose", "; make the network smaller or lower --batch (diagnose also runs it on up to 1000 validation rows at once, which no setting lowers)", "Training:EvaluationBatchSize")]
    [TestCase("predict", "; allow it more memory", "Training:")]
    public void RunningOutOfMemory_NamesOnlyWhatLowersTheRowsOfTheCommandThatRan(string command, string remedy, string notNamed)
    {
        Failure failure = Failure.From(new OutOfMemoryException(), command);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.Message, Does.StartWith("Ran out of memory").And.EndWith(remedy).And.Not.Contain(notNamed));
    }

    // A 5,000-character bad value made a 5 kB line: every echo site goes through Failure, which shortens it (ShownValue).
    [Test]
    public void ALongBadValue_IsEchoedByItsStartAndLength()
    {
        string value = new('A', 5000);
        Failure failure = Failure.From(new OptionsValidationException("", typeof(ModelOptions), [$"Model:Activation '{value}' is unknown; valid: relu"]));

        Assert.That(failure.Message, Is.EqualTo($"Configuration is invalid: Model:Activation '{new string('A', 60)}… (5,000 characters)' is unknown; valid: relu"));
    }

    [Test]
    public void ASingleOptionsValidationFailureIsAConfigurationError()
    {
        Failure failure = Failure.From(new OptionsValidationException("", typeof(ModelOptions), ["Model:Activation 'x' is unknown; valid: relu"]));

        Assert.That(failure, Is.EqualTo(new Failure(ExitCodes.InvalidConfiguration, "Configuration is invalid: Model:Activation 'x' is unknown; valid: relu", false)));
    }

    [Test]
    public void AValueTheBinderCannotConvertIsAConfigurationErrorNamingTheKey()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Training:Epochs"] = "many" }).Build();
        var binderError = Assert.Throws<InvalidOperationException>(() => configuration.GetSection("Training").Get<TrainingOptions>());

        Failure failure = Failure.From(binderError!);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.IsBug, Is.False);
        Assert.That(failure.Message, Does.StartWith("Configuration is invalid: ").And.Contain("'many'").And.Contain("Training:Epochs").And.Not.EndWith("."));
    }

    [Test]
    public void ABinderErrorTogetherWithAValidationFailureReportsBoth()
    {
        var aggregate = new AggregateException(
            new InvalidOperationException("Failed to convert configuration value 'x' at 'Training:Epochs' to type 'System.Int32'."),
            new OptionsValidationException("", typeof(OptimizerOptions), ["Optimizer:LearningRate must be a finite positive number, got 0"]));

        Failure failure = Failure.From(aggregate);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.Message, Does.Contain("Training:Epochs must be a whole number").And.Contain("got 'x'").And.Contain("Optimizer:LearningRate"));
    }

    [Test]
    public void MalformedJsonNamesTheFileAndTheLine()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("bad.json");
        File.WriteAllText(path, "{\n  \"Training\": {\n    \"Epochs\": 3,,\n  }\n}\n");
        var loadError = Assert.Throws<InvalidDataException>(() => new ConfigurationBuilder().AddJsonFile(path).Build());

        Failure failure = Failure.From(loadError!);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.IsBug, Is.False);
        Assert.That(failure.Message, Does.Contain(path).And.Contain("line 3"));
        Assert.That(failure.Message, Does.Not.Contain("\n"));
    }

    // Each was "Failed to load configuration from file '…'. [The error is at line 1, byte 1.] Fix the file", which said
    // nothing of what was wrong, without the head every other configuration error has; then "Configuration is invalid:
    // Failed to load configuration from file '…'. It is empty: …", a second head. A file not named .json (c.txt) was a bug.
    [TestCase("c.json", "", "is empty: a file that sets nothing holds {}; fix the file")]
    [TestCase("c.json", "  \n// nothing yet\n", "is empty: a file that sets nothing holds {}; fix the file")]
    [TestCase("c.json", "[]", "is no JSON object at its top level: write { \"Section\": { \"Key\": value } }, not an array, a string, a number or null; fix the file")]
    [TestCase("c.json", "null", "is no JSON object at its top level: write { \"Section\": { \"Key\": value } }, not an array, a string, a number or null; fix the file")]
    [TestCase("c.json", "\"x\"", "is no JSON object at its top level: write { \"Section\": { \"Key\": value } }, not an array, a string, a number or null; fix the file")]
    [TestCase("c.json", "5", "is no JSON object at its top level: write { \"Section\": { \"Key\": value } }, not an array, a string, a number or null; fix the file")]
    [TestCase("c.txt", "{\"a\":\n", "is not valid JSON: the error is at line 2, byte 1; fix the file")]
    [TestCase("c.json", "{\"Training\":{\"Epochs\":1},\"Training\":{\"Epochs\":2}}", "names a key twice (A duplicate key 'Training:Epochs' was found); keep one of them")]
    public void AConfigurationFileThatCannotBeLoaded_IsOneSentenceNamingIt_UnderTheUsualHead(string name, string content, string reason)
    {
        using var dir = new TempDirectory();
        string path = dir.Combine(name);
        File.WriteAllText(path, content);
        var loadError = Assert.Throws<InvalidDataException>(() => new ConfigurationBuilder().AddJsonFile(path).Build());

        Failure failure = Failure.From(loadError!);

        Assert.That(failure, Is.EqualTo(new Failure(ExitCodes.InvalidConfiguration, $"Configuration is invalid: --config {path} {reason}", false)));
    }

    // "Configuration is invalid: The configuration file (--config) … does not exist": a second head, capitalised.
    [TestCase("nosuch.json", "does not exist")]
    [TestCase("folder", "is a directory, not a regular file")]
    public void AConfigFileThatIsNoFile_IsNamedAsGiven_UnderTheUsualHead(string name, string reason)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("folder"));
        string path = dir.Combine(name);
        var error = Assert.Throws<ConfigurationFileNotFoundException>(() => ScratchNetHost.CreateBuilder(["train", "--config", path]));

        Assert.That(Failure.From(error!).Message, Is.EqualTo($"Configuration is invalid: --config {path} {reason}; give the path of a JSON file such as config/appsettings.json"));
    }

    [Test]
    public void AnInvalidDataExceptionThatIsNotAboutJsonIsABug()
    {
        Assert.That(Failure.From(new InvalidDataException("the gzip header is bad")).ExitCode, Is.EqualTo(ExitCodes.UnexpectedError));
    }

    [Test]
    public void AUsageErrorIsExitCode2()
    {
        Assert.That(Failure.From(new UsageException("unknown command 'x'")), Is.EqualTo(new Failure(ExitCodes.InvalidConfiguration, "Invalid command line: unknown command 'x'", false)));
    }

    [Test]
    public void AMissingConfigFileIsExitCode2()
    {
        Failure failure = Failure.From(new ConfigurationFileNotFoundException("the configuration file /x.json (from --config) does not exist"));

        Assert.That(failure, Is.EqualTo(new Failure(ExitCodes.InvalidConfiguration, "Configuration is invalid: the configuration file /x.json (from --config) does not exist", false)));
    }

    [Test]
    public void LayerSizesThatDoNotFitTheDataAreExitCode2()
    {
        Failure failure = Failure.From(new TrainingSetupException("the first layer size is 5, but the data has 784 features"));

        Assert.That(failure, Is.EqualTo(new Failure(ExitCodes.InvalidConfiguration, "Configuration does not fit the data: the first layer size is 5, but the data has 784 features", false)));
    }

    [Test]
    public void ANetworkThatDoesNotFitInMemoryIsExitCode2_HeadedAsMemory() =>
        Assert.That(Failure.From(new TrainingSetupException("Training:BatchSize 4096 needs about 9 GiB …") { AboutMemory = true }),
            Is.EqualTo(new Failure(ExitCodes.InvalidConfiguration, "Configuration does not fit in memory: Training:BatchSize 4096 needs about 9 GiB …", false)));

    [Test]
    public void SettingsThatDoNotFitSoundDataAreExitCode2() =>
        Assert.That(Failure.From(new DataSettingsException("Data:ClassNames names 2 classes, but …")), Is.EqualTo(new Failure(ExitCodes.InvalidConfiguration, "Configuration does not fit the data: Data:ClassNames names 2 classes, but …", false)));

    [Test]
    public void AnUnavailableDatasetIsExitCode3WithTheMessageAsIs()
    {
        Assert.That(Failure.From(new DatasetUnavailableException("Could not obtain x.")), Is.EqualTo(new Failure(ExitCodes.DataUnavailable, "Could not obtain x.", false)));
    }

    [Test]
    public void AMalformedDataFileIsExitCode4WithTheMessageAsIs()
    {
        Assert.That(Failure.From(new InvalidDataFormatException("f is truncated")), Is.EqualTo(new Failure(ExitCodes.InvalidData, "f is truncated", false)));
    }

    [Test]
    public void CancellationIsExitCode130WhicheverCancellationExceptionItIs()
    {
        Assert.That(Failure.From(new OperationCanceledException()), Is.EqualTo(new Failure(ExitCodes.Interrupted, "Interrupted.", false)));
        Assert.That(Failure.From(new TaskCanceledException()).ExitCode, Is.EqualTo(ExitCodes.Interrupted));
    }

    [Test]
    public void AnythingElseIsABugWithExitCode1()
    {
        Failure failure = Failure.From(new NullReferenceException("oops"));

        Assert.That(failure, Is.EqualTo(new Failure(ExitCodes.UnexpectedError, "Unexpected error: oops", true)));
    }

    [Test]
    public void AnAggregateMixingAConfigurationErrorWithABugIsABug()
    {
        var aggregate = new AggregateException(
            new OptionsValidationException("", typeof(TrainingOptions), ["Training:Epochs must be at least 1, got 0"]),
            new NullReferenceException("oops"));

        Assert.That(Failure.From(aggregate).IsBug, Is.True);
    }

    [Test]
    public void EveryExitCodeIsDistinct()
    {
        int[] codes = [ExitCodes.Success, ExitCodes.UnexpectedError, ExitCodes.InvalidConfiguration, ExitCodes.DataUnavailable, ExitCodes.InvalidData, ExitCodes.Interrupted];

        Assert.That(codes, Is.Unique);
    }

    // A message of several lines keeps them (the sources a dataset was tried from); text from elsewhere in it (a reason
    // the system gave, a name) reaches the terminal without its escape sequence.
    [Test]
    public void AFailuresLineBreaksStay_ItsEscapeSequencesAreEscaped()
    {
        Failure failure = Failure.From(new DatasetUnavailableException("Could not obtain x. Tried, in order:\n  - directory /d\u001B[31m: missing"));

        Assert.That(failure.Message, Is.EqualTo("Could not obtain x. Tried, in order:\n  - directory /d\\u001B[31m: missing"));
    }

    [Test]
    public void ARefusalWritesOutTheControlCharactersItEchoes()
    {
        Failure failure = Failure.From(new ConfigurationException(["Optimizer:Name 'adam\r' is unknown\u001b[2J"]));

        Assert.That(failure.Message, Is.EqualTo(@"Configuration is invalid: Optimizer:Name 'adam\r' is unknown\u001B[2J"));
    }
}
