using System.Text.Json;
using Microsoft.Extensions.Options;
using ScratchNet.Data;
using ScratchNet.Training;

namespace ScratchNet.Host;

/// <summary>Turns an exception into the exit code and the one line a user reads. User errors never show a stack trace.</summary>
public sealed record Failure(int ExitCode, string Message, bool IsBug)
{
    public static Failure From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            OptionsValidationException e => new(ExitCodes.InvalidConfiguration, $"Configuration is invalid: {string.Join("; ", e.Failures)}", false),
            TrainingSetupException e => new(ExitCodes.InvalidConfiguration, $"Configuration does not fit the data: {e.Message}", false),
            InvalidDataException e when e.InnerException is JsonException || e.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) =>
                new(ExitCodes.InvalidConfiguration, $"A configuration file is not valid JSON: {e.Message} {e.InnerException?.Message}".TrimEnd(), false),
            FormatException e when e.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) =>
                new(ExitCodes.InvalidConfiguration, $"A configuration file is not valid JSON: {e.Message}", false),
            DatasetUnavailableException e => new(ExitCodes.DataUnavailable, e.Message, false),
            InvalidDataFormatException e => new(ExitCodes.InvalidData, e.Message, false),
            OperationCanceledException => new(ExitCodes.Interrupted, "Interrupted.", false),
            _ => new(ExitCodes.UnexpectedError, $"Unexpected error: {exception.Message}", true),
        };
    }
}
