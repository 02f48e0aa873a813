using Microsoft.Extensions.Options;

namespace ScratchNet.Training.Options;

/// <summary>Checks the Checkpoints section; every message names the key, the value and what is allowed.</summary>
public sealed class CheckpointOptionsValidator : IValidateOptions<CheckpointOptions>
{
    public ValidateOptionsResult Validate(string? name, CheckpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        OptionRules.AtLeast(errors, "Checkpoints:EveryEpochs", options.EveryEpochs, 0);
        OptionRules.AtLeast(errors, "Checkpoints:KeepLast", options.KeepLast, 1);
        OptionRules.KnownMonitor(errors, "Checkpoints:Monitor", options.Monitor);
        return OptionRules.Result(errors);
    }
}
