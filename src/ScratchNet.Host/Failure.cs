using System.Text.Json;
using Microsoft.Extensions.Options;
using ScratchNet.Dashboard.Server;
using ScratchNet.Data;
using ScratchNet.Files;
using ScratchNet.Host.Settings;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Commands;
using ScratchNet.Data.Imaging;
using ScratchNet.Models;
using ScratchNet.Training;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Diagnostics;

namespace ScratchNet.Host;

/// <summary>Turns an exception into the exit code and the one line a user reads. User errors never show a stack trace.</summary>
/// <param name="Message">The line; empty where nothing is printed (stdout's reader went away, as <c>| head -1</c> does).</param>
public sealed partial record Failure(int ExitCode, string Message, bool IsBug)
{
    /// <param name="command">The command that ran (<c>train</c>, <c>evaluate</c>, …), when known: running out of memory names what lowers its own rows.</param>
    public static Failure From(Exception exception, string? command = null)
    {
        // A message quotes the file names it was built from (ShownName.Of), but text may come from elsewhere (the
        // system's, a library's, a refused value's \r from a Windows .env file, which moved the cursor back so that the
        // rest of the line overwrote its start): no control character but a line break reaches the terminal.
        // A value the user wrote is echoed shortened where it is long (ShownValue): a 5 kB bad value made a 5 kB line.
        Failure failure = Classify(exception, command);
        return failure with { Message = ShownName.Escaped(ShownValue.InMessage(failure.Message)) };
    }

    private static Failure Classify(Exception exception, string? command)
    {
        ArgumentNullException.ThrowIfNull(exception);

        // ValidateOnStart reports each options class that failed as one inner exception of an aggregate.
        IReadOnlyList<Exception> parts = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        if (parts.All(IsConfigurationError))
        {
            // Once each: a class whose setup reads another (Checkpoints reads Run's folder) carries that one's failure too.
            return new(ExitCodes.InvalidConfiguration, $"Configuration is invalid: {string.Join("; ", parts.SelectMany(ConfigurationErrors).Distinct(StringComparer.Ordinal))}", false);
        }

        return exception switch
        {
            UsageException e => new(ExitCodes.InvalidConfiguration, $"Invalid command line: {e.Message}", false),
            RunOutputException e => new(ExitCodes.OutputFailed, e.Message, false),
            StandardOutputException e => new(ExitCodes.OutputFailed, e.ReaderGone ? "" : e.Message, false),
            RunFolderException e => new(ExitCodes.InvalidConfiguration, $"Cannot start the run: {e.Message}", false),
            ConfigurationException e => new(ExitCodes.InvalidConfiguration, $"Configuration is invalid: {e.Message}", false),
            FileWriteException e => new(ExitCodes.OutputFailed, $"{e.Message.TrimEnd('.')}. Free space or fix the folder's permissions; nothing already written was replaced.", false),
            InputFileException e => new(ExitCodes.InvalidConfiguration, $"{e.Message}.", false),
            ConfigurationFileNotFoundException e => new(ExitCodes.InvalidConfiguration, $"Configuration is invalid: {e.Message}", false),
            TrainingSetupException { AboutLimit: true } e => new(ExitCodes.InvalidConfiguration, $"Configuration is beyond ScratchNet's limits: {e.Message}", false),
            TrainingSetupException { AboutMemory: true } e => new(ExitCodes.InvalidConfiguration, $"Configuration does not fit in memory: {e.Message}", false),
            TrainingSetupException e => new(ExitCodes.InvalidConfiguration, $"Configuration does not fit the data: {e.Message}", false),
            InvalidDataException e when LoadedFile().Match(e.Message) is { Success: true } file =>
                new(ExitCodes.InvalidConfiguration, $"Configuration is invalid: {JsonFileProblem(file.Groups["path"].Value, e)}", false),
            DatasetUnavailableException e => new(ExitCodes.DataUnavailable, e.Message, false),
            DataSettingsException e => new(ExitCodes.InvalidConfiguration, $"Configuration does not fit the data: {e.Message}", false),
            InvalidDataFormatException e => new(ExitCodes.InvalidData, e.Message, false),
            ModelFileException e => new(ExitCodes.InvalidModel, e.Message, false),
            // A port in use is no fault of the configuration's: the message says what holds it and what to do.
            DashboardUnavailableException e => new(ExitCodes.InvalidConfiguration, $"Dashboard unavailable: {e.Message}", false),
            InputImageException e => new(ExitCodes.InvalidInput, e.Message, false),
            TrainingInterruptedException e => new(ExitCodes.Interrupted, e.Message, false),
            TrainingDivergedException e => new(ExitCodes.Diverged, e.Message, false),
            CheckpointException { NothingToResume: true } e => new(ExitCodes.InvalidConfiguration, $"Nothing to resume: {e.Message}", false),
            CheckpointException { Damaged: true } e => new(ExitCodes.InvalidData, $"Checkpoint unusable: {e.Message}", false),
            CheckpointException e => new(ExitCodes.InvalidConfiguration, $"Checkpoint unusable: {e.Message}", false),
            TrainingNotBegunException e => new(ExitCodes.Interrupted, e.Message, false),
            OperationCanceledException => new(ExitCodes.Interrupted, "Interrupted.", false),

            // The memory checks count what the network needs against the GC's view of the machine, which a process limit
            // (ulimit -v) does not change.
            OutOfMemoryException => new(ExitCodes.InvalidConfiguration,
                $"Ran out of memory: this process may use less than the machine has (ulimit -v, a container limit); {MemoryRemedy(command)}", false),
            _ => new(ExitCodes.UnexpectedError, $"Unexpected error: {exception.Message}", true),
        };
    }

    // Each command holds its own rows at once: only the settings that lower them are named.
    private static string MemoryRemedy(string? command) => command switch
    {
        null or CommandLine.DefaultCommand => "make the network smaller or lower Training:BatchSize and Training:EvaluationBatchSize",
        "evaluate" => "lower Training:EvaluationBatchSize",
        "diagnose" => $"make the network smaller or lower --batch (diagnose also runs it on up to {DiagnosticsSettings.DefaultProbeRows} validation rows at once, which no setting lowers)",
        _ => "allow it more memory",
    };

    private static bool IsConfigurationError(Exception e) => e is OptionsValidationException || IsBindingError(e);

    // The configuration binder's words for a value of the wrong type: "Failed to convert configuration value 'abc' at 'Optimizer:LearningRate' to type 'System.Single'."
    internal static bool IsBindingError(Exception e) =>
        e is InvalidOperationException && e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal);

    private static IEnumerable<string> ConfigurationErrors(Exception e) =>
        e is OptionsValidationException validation ? validation.Failures : [ValueErrors.Conversion(e.Message)];

    // The framework's words for a JSON configuration file it could not load, whatever the file's extension: a --config
    // file named c.txt matched no "JSON" in them and its broken JSON was reported as a bug (exit 1).
    [System.Text.RegularExpressions.GeneratedRegex(@"^Failed to load configuration from file '(?<path>.*)'\.$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex LoadedFile();

    /// <summary>
    /// What is wrong with a JSON configuration file, after the head "Configuration is invalid:": the file named as the user
    /// gave it (<c>--config FILE</c>) or, for one shipped in config/, as the configuration file, then what is wrong in the
    /// parser's words where it gave them (the line, the key named twice), and the fix. It read "Configuration is invalid:
    /// Failed to load configuration from file '…'. It is empty …", a second head and a second sentence start.
    /// </summary>
    private static string JsonFileProblem(string path, Exception exception)
    {
        bool shipped = Path.GetFullPath(path).StartsWith(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "config")) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        string file = shipped ? $"the configuration file {ShownName.Of(path)}" : $"--config {ShownName.Of(path)}";
        string problem = JsonProblem(exception);
        string fix = problem.StartsWith("names a key twice", StringComparison.Ordinal) ? "keep one of them" : "fix the file";
        return $"{file} {problem}; {fix}{(shipped ? ", or restore it from git (it is shipped in config/)" : "")}";
    }

    /// <summary>The parser's own words on where the JSON breaks ("… LineNumber: 3 | BytePositionInLine: 2."), or which key it holds twice, if it gave them.</summary>
    private static string JsonProblem(Exception exception)
    {
        for (Exception? e = exception.InnerException; e is not null; e = e.InnerException)
        {
            // An empty file (or one of blanks and comments) and a top level that is no object: "line 1, byte 1" said nothing of either.
            if (e is JsonException { Message: { } empty } && empty.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
            {
                return "is empty: a file that sets nothing holds {}";
            }

            if (e is FormatException { Message: { } topLevel } && topLevel.Contains("Top-level JSON element must be an object", StringComparison.Ordinal))
            {
                return "is no JSON object at its top level: write { \"Section\": { \"Key\": value } }, not an array, a string, a number or null";
            }

            if (e is JsonException json && json.LineNumber is long line)
            {
                return $"is not valid JSON: the error is at line {line + 1}, byte {json.BytePositionInLine + 1}";
            }

            // Valid JSON that names one key twice: the provider says which ("A duplicate key 'Training:Epochs' was found.").
            if (e is FormatException { Message: { } message } && message.Contains("duplicate key", StringComparison.OrdinalIgnoreCase))
            {
                return $"names a key twice ({message.TrimEnd('.')})";
            }
        }

        return "cannot be read as JSON";
    }
}
