using Microsoft.Extensions.Options;

namespace ScratchNet.Host.Reports;

/// <summary>Rejects a bad <c>Reports</c> section at start-up, naming the key, the value and what is allowed.</summary>
public sealed class ReportsOptionsValidator : IValidateOptions<ReportsOptions>
{
    public static IReadOnlyList<string> LossScales { get; } = [ReportsOptions.LinearScale, ReportsOptions.LogScale];

    public ValidateOptionsResult Validate(string? name, ReportsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = ReportsOptions.SectionName;
        var failures = new List<string>();
        if (options.TensorBoardImageEvery < 1)
        {
            failures.Add($"{s}:TensorBoardImageEvery must be at least 1 (epochs between TensorBoard images), got {options.TensorBoardImageEvery}");
        }

        if (!LossScales.Contains(options.LossScale, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"{s}:LossScale must be one of {string.Join(", ", LossScales)}, got '{options.LossScale}'");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
