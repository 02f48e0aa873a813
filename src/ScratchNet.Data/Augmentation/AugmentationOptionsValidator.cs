using Microsoft.Extensions.Options;

namespace ScratchNet.Data.Augmentation;

/// <summary>Rejects a bad <c>Data:Augment</c> section at start-up, naming the key, the value and the valid range.</summary>
public sealed class AugmentationOptionsValidator : IValidateOptions<AugmentationOptions>
{
    public const double MaxShiftLimit = 10;

    public const double MaxRotationLimit = 180;

    public const double ScaleRangeLimit = 0.5;

    public const double ElasticAlphaLimit = 100;

    public const double ElasticSigmaMin = 0.5;

    public const double ElasticSigmaMax = 10;

    public ValidateOptionsResult Validate(string? name, AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = AugmentationOptions.SectionName;
        var failures = new List<string>();

        // Written as !(in range) so NaN fails too.
        if (!(options.MaxShift >= 0 && options.MaxShift <= MaxShiftLimit))
        {
            failures.Add($"{s}:MaxShift must be 0 to {MaxShiftLimit} pixels, got {options.MaxShift}");
        }

        if (!(options.MaxRotationDegrees >= 0 && options.MaxRotationDegrees <= MaxRotationLimit))
        {
            failures.Add($"{s}:MaxRotationDegrees must be 0 to {MaxRotationLimit} degrees, got {options.MaxRotationDegrees}");
        }

        if (!(options.ScaleRange >= 0 && options.ScaleRange <= ScaleRangeLimit))
        {
            failures.Add($"{s}:ScaleRange must be 0 to {ScaleRangeLimit} (scale drawn from [1 − ScaleRange, 1 + ScaleRange]), got {options.ScaleRange}");
        }

        if (!(options.ElasticAlpha >= 0 && options.ElasticAlpha <= ElasticAlphaLimit))
        {
            failures.Add($"{s}:ElasticAlpha must be 0 to {ElasticAlphaLimit} pixels, got {options.ElasticAlpha}");
        }

        if (!(options.ElasticSigma >= ElasticSigmaMin && options.ElasticSigma <= ElasticSigmaMax))
        {
            failures.Add($"{s}:ElasticSigma must be {ElasticSigmaMin} to {ElasticSigmaMax} pixels, got {options.ElasticSigma}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
