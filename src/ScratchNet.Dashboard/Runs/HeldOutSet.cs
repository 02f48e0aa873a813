using System.Globalization;
using ScratchNet.Data;
using ScratchNet.Data.Options;

namespace ScratchNet.Dashboard.Runs;

/// <summary>
/// Which rows a run was judged on, from the settings that choose them, so two runs compare like with like only when they
/// were judged on the same rows. The held-out rows follow from the dataset (for idx files, their folder) and the split:
/// the official split holds out the test files; the random split pools both files and holds out a share drawn with
/// <c>Data:Seed</c>, <c>Data:ValidationFraction</c> of them. <c>Data:TrainImages</c> samples the training side only and
/// leaves the held-out rows whole, so it is no part of the description.
/// </summary>
public static class HeldOutSet
{
    private const string Section = DataOptions.SectionName + ":";

    /// <summary>The key of <c>Data:Split</c>, the setting that says whether the held-out rows are "test" or "validation".</summary>
    public const string SplitKey = Section + nameof(DataOptions.Split);

    /// <summary>
    /// "mnist, random split, Data:Seed 42, Data:ValidationFraction 0.2", "idx files in /data/x, official test split",
    /// from a run's recorded settings (<paramref name="setting"/> gives a key's value, or null where the run has none); null
    /// where the run does not record its split. A setting the run's record lacks takes its default.
    /// </summary>
    public static string? Describe(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (setting(SplitKey) is not { Length: > 0 } split)
        {
            return null;
        }

        var defaults = new DataOptions();
        string dataset = Or(setting(Section + nameof(DataOptions.Dataset)), defaults.Dataset).ToLowerInvariant();
        string data = dataset == "idx" ? $"idx files in {Or(setting(Section + nameof(DataOptions.Directory)), "?")}" : dataset;
        if (KindOf(split) == Dataset.TestName)
        {
            return $"{data}, official test split";
        }

        string seed = Or(setting(Section + nameof(DataOptions.Seed)), defaults.Seed.ToString(CultureInfo.InvariantCulture));
        string fraction = Or(setting(Section + nameof(DataOptions.ValidationFraction)), defaults.ValidationFraction.ToString(CultureInfo.InvariantCulture));

        // 0.20 and 0.2 hold out the same rows: numbers are compared as numbers.
        fraction = double.TryParse(fraction, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) ? f.ToString(CultureInfo.InvariantCulture) : fraction;
        return $"{data}, random split, Data:Seed {seed}, Data:ValidationFraction {fraction}";
    }

    /// <summary>"test" for the official split, "validation" for any other.</summary>
    public static string KindOf(string split) =>
        string.Equals(split.Trim(), DataOptions.OfficialSplit, StringComparison.OrdinalIgnoreCase) ? Dataset.TestName : Dataset.ValidationName;

    private static string Or(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}
