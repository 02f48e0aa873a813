using Microsoft.Extensions.Options;
using ScratchNet.Training.Schedules;

namespace ScratchNet.Training.Options;

/// <summary>Checks the Schedule section; every message names the key, the value and what is allowed.</summary>
public sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!LearningRateSchedule.IsKnown(options.Name))
        {
            errors.Add($"Schedule:Name '{options.Name}' is unknown; valid: {string.Join(", ", LearningRateSchedule.Names)}");
        }

        OptionRules.AtLeast(errors, "Schedule:WarmupEpochs", options.WarmupEpochs, 0);
        OptionRules.AtLeast(errors, "Schedule:StepSize", options.StepSize, 1);
        OptionRules.AtLeast(errors, "Schedule:Patience", options.Patience, 0);
        if (!(options.Gamma > 0f && options.Gamma <= 1f))
        {
            errors.Add($"Schedule:Gamma must be in (0, 1], got {options.Gamma}");
        }

        if (!(options.Factor > 0f && options.Factor < 1f))
        {
            errors.Add($"Schedule:Factor must be in (0, 1), got {options.Factor}");
        }

        if (!(options.MinLearningRate >= 0f) || float.IsInfinity(options.MinLearningRate))
        {
            errors.Add($"Schedule:MinLearningRate must be a number ≥ 0, got {options.MinLearningRate}");
        }

        OptionRules.NonNegative(errors, "Schedule:MinDelta", options.MinDelta);
        OptionRules.KnownMonitor(errors, "Schedule:Monitor", options.Monitor);
        return OptionRules.Result(errors);
    }
}
