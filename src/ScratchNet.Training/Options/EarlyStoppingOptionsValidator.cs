using Microsoft.Extensions.Options;

namespace ScratchNet.Training.Options;

/// <summary>Checks the EarlyStopping section; every message names the key, the value and what is allowed.</summary>
public sealed class EarlyStoppingOptionsValidator : IValidateOptions<EarlyStoppingOptions>
{
    public ValidateOptionsResult Validate(string? name, EarlyStoppingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        OptionRules.AtLeast(errors, "EarlyStopping:Patience", options.Patience, 1);
        OptionRules.NonNegative(errors, "EarlyStopping:MinDelta", options.MinDelta);
        OptionRules.KnownMonitor(errors, "EarlyStopping:Monitor", options.Monitor);
        return OptionRules.Result(errors);
    }
}
