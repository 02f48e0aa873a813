using Microsoft.Extensions.Options;
using ScratchNet.Training.Metrics;
using ScratchNet.Training.Schedules;

namespace ScratchNet.Training.Options;

/// <summary>Checks the Schedule, Checkpoints and EarlyStopping sections. Every message names the key, the value and what is allowed.</summary>
public sealed class ToolkitOptionsValidator : IValidateOptions<ScheduleOptions>, IValidateOptions<CheckpointOptions>, IValidateOptions<EarlyStoppingOptions>
{
    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!LearningRateSchedule.IsKnown(options.Name))
        {
            errors.Add($"Schedule:Name '{options.Name}' is unknown; valid: {string.Join(", ", LearningRateSchedule.Names)}");
        }

        AtLeast(errors, "Schedule:WarmupEpochs", options.WarmupEpochs, 0);
        AtLeast(errors, "Schedule:StepSize", options.StepSize, 1);
        AtLeast(errors, "Schedule:Patience", options.Patience, 0);
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

        NonNegative(errors, "Schedule:MinDelta", options.MinDelta);
        KnownMonitor(errors, "Schedule:Monitor", options.Monitor);
        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, CheckpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        AtLeast(errors, "Checkpoints:EveryEpochs", options.EveryEpochs, 0);
        AtLeast(errors, "Checkpoints:KeepLast", options.KeepLast, 1);
        KnownMonitor(errors, "Checkpoints:Monitor", options.Monitor);
        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, EarlyStoppingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        AtLeast(errors, "EarlyStopping:Patience", options.Patience, 1);
        NonNegative(errors, "EarlyStopping:MinDelta", options.MinDelta);
        KnownMonitor(errors, "EarlyStopping:Monitor", options.Monitor);
        return Result(errors);
    }

    private static void AtLeast(List<string> errors, string key, int value, int min)
    {
        if (value < min)
        {
            errors.Add($"{key} must be at least {min}, got {value}");
        }
    }

    private static void NonNegative(List<string> errors, string key, double value)
    {
        if (!(value >= 0.0) || double.IsInfinity(value))
        {
            errors.Add($"{key} must be a number ≥ 0, got {value}");
        }
    }

    private static void KnownMonitor(List<string> errors, string key, string value)
    {
        if (!MetricMonitor.IsKnown(value))
        {
            errors.Add($"{key} '{value}' is unknown; valid: {string.Join(", ", MetricMonitor.Names)}");
        }
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
