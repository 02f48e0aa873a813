using Microsoft.Extensions.Options;
using ScratchNet.Training.Results;

namespace ScratchNet.Training.Options;

/// <summary>The checks the options validators share, each adding one message that names the key, the value and what is allowed.</summary>
internal static class OptionRules
{
    internal static void AtLeast(List<string> errors, string key, int value, int min)
    {
        if (value < min)
        {
            errors.Add($"{key} must be at least {min}, got {value}");
        }
    }

    internal static void Within(List<string> errors, string key, int value, int max, string unit)
    {
        if (value <= 0 || value > max)
        {
            errors.Add($"{key} must be 1 to {max}{unit}, got {value}");
        }
    }

    /// <summary>Decay rates and momentum live in [0, 1).</summary>
    internal static void Fraction(List<string> errors, string key, float value)
    {
        if (!(value >= 0f && value < 1f))
        {
            errors.Add($"{key} must be in [0, 1), got {value}");
        }
    }

    internal static void NonNegative(List<string> errors, string key, double value)
    {
        if (!(value >= 0.0) || double.IsInfinity(value))
        {
            errors.Add($"{key} must be a finite number ≥ 0, got {value}");
        }
    }

    internal static void KnownMonitor(List<string> errors, string key, string value)
    {
        if (!MetricMonitor.IsKnown(value))
        {
            errors.Add($"{key} '{value}' is unknown; valid: {string.Join(", ", MetricMonitor.Names)}");
        }
    }

    internal static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
