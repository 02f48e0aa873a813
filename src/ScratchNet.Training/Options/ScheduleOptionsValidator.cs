using Microsoft.Extensions.Options;
using ScratchNet.Training.Schedules;

namespace ScratchNet.Training.Options;

/// <summary>
/// Checks the Schedule section; every message names the key, the value and what is allowed. Given the Training section,
/// it also refuses a warm-up longer than the run, which would end before the rate ever reached Optimizer:LearningRate;
/// given the Optimizer section, a floor (Schedule:MinLearningRate) above the rate the schedule starts from.
/// </summary>
public sealed class ScheduleOptionsValidator(IOptions<TrainingOptions>? training = null, IOptions<OptimizerOptions>? optimizer = null) : IValidateOptions<ScheduleOptions>
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
            errors.Add($"Schedule:MinLearningRate must be a finite number ≥ 0, got {options.MinLearningRate}");
        }

        OptionRules.NonNegative(errors, "Schedule:MinDelta", options.MinDelta);
        OptionRules.KnownMonitor(errors, "Schedule:Monitor", options.Monitor);
        if (Epochs() is int epochs && epochs > 0 && options.WarmupEpochs > epochs)
        {
            errors.Add(
                $"Schedule:WarmupEpochs is {options.WarmupEpochs}, more than Training:Epochs ({epochs}): the run would end inside the warm-up, " +
                $"before the learning rate reaches Optimizer:LearningRate; set Schedule:WarmupEpochs to at most {epochs}");
        }

        // Cosine anneals down to its floor and plateau cuts down to it: a floor above the base rate would climb instead.
        bool hasFloor = string.Equals(options.Name, "cosine", StringComparison.OrdinalIgnoreCase) || string.Equals(options.Name, "plateau", StringComparison.OrdinalIgnoreCase);
        if (hasFloor && LearningRate() is float rate && options.MinLearningRate > rate)
        {
            errors.Add(
                $"Schedule:MinLearningRate is {options.MinLearningRate}, above Optimizer:LearningRate ({rate}): the {options.Name.ToLowerInvariant()} schedule would raise the rate " +
                $"instead of lowering it; set Schedule:MinLearningRate below {rate}");
        }

        return OptionRules.Result(errors);
    }

    private float? LearningRate()
    {
        try
        {
            return optimizer?.Value.LearningRate;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            return null;
        }
    }

    // Training:Epochs, or null when there is no Training section to compare with or it is itself invalid (its own validator says so).
    private int? Epochs()
    {
        try
        {
            return training?.Value.Epochs;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            return null;
        }
    }
}
