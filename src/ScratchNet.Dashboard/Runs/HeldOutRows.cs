using System.Globalization;
using System.Text.Json;
using ScratchNet.Data;
using ScratchNet.Data.Options;

namespace ScratchNet.Dashboard.Runs;

/// <summary>
/// What a run was judged on, read from what it recorded: the held-out split's name, and which rows it held (the set).
/// Two runs compare like with like when their sets are equal; a run whose records do not say has no set, which means
/// "unknown", not "different".
/// </summary>
/// <param name="Name">"test" (the official test set) or "validation"; null when the run does not say.</param>
/// <param name="Set">
/// The settings that choose the held-out rows, in words: the dataset (for idx, the folder as configured) and the split, and
/// for the random split its Data:Seed and Data:ValidationFraction (Data:TrainImages only samples the training rows).
/// Null when a run does not record one of them.
/// </param>
public sealed record HeldOutRows(string? Name, string? Set)
{
    private const string DatasetKey = DataOptions.SectionName + ":" + nameof(DataOptions.Dataset);
    private const string DirectoryKey = DataOptions.SectionName + ":" + nameof(DataOptions.Directory);
    private const string SplitKey = DataOptions.SectionName + ":" + nameof(DataOptions.Split);
    private const string SeedKey = DataOptions.SectionName + ":" + nameof(DataOptions.Seed);
    private const string FractionKey = DataOptions.SectionName + ":" + nameof(DataOptions.ValidationFraction);

    /// <summary>
    /// From metrics.json (its "split" and "dataset", written when the run ends) and the run's configuration: config.json
    /// (keys with a value, or { value, source }, written when it starts), else the configuration its model file records.
    /// </summary>
    public static HeldOutRows Of(JsonElement? metrics, JsonElement? config, IReadOnlyDictionary<string, string>? modelConfiguration = null)
    {
        string? Setting(string key) => config is { ValueKind: JsonValueKind.Object } ? FromConfigJson(config.Value, key)
            : modelConfiguration is not null && modelConfiguration.TryGetValue(key, out string? value) ? value
            : null;

        string? measured = metrics is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("split", out JsonElement s) && s.ValueKind == JsonValueKind.String
            && s.GetString() is Dataset.TestName or Dataset.ValidationName ? s.GetString() : null;
        string? split = Setting(SplitKey);
        string? name = measured ?? (split is null ? null : IsOfficial(split) ? Dataset.TestName : Dataset.ValidationName);

        string? datasetName = Setting(DatasetKey) ?? (metrics is { ValueKind: JsonValueKind.Object } n && n.TryGetProperty("dataset", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null);
        string? dataset = DataDescription(datasetName, Setting(DirectoryKey));
        if (name is null || dataset is null)
        {
            return new HeldOutRows(name, null);
        }

        if (name == Dataset.TestName)
        {
            return new HeldOutRows(name, $"the official test set of {dataset}");
        }

        // A validation split with no recorded Data:Split is still the random one: the official split holds out the test set.
        return int.TryParse(Setting(SeedKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed)
            && double.TryParse(Setting(FractionKey), NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction)
            ? new HeldOutRows(name, string.Create(CultureInfo.InvariantCulture, $"the random split of {dataset} with {SeedKey} {seed} and {FractionKey} {fraction:R}"))
            : new HeldOutRows(name, null);
    }

    private static bool IsOfficial(string split) => string.Equals(split.Trim(), DataOptions.OfficialSplit, StringComparison.OrdinalIgnoreCase);

    // mnist and fashion-mnist name their files (the cache checks them against known hashes); idx is whatever its folder holds.
    private static string? DataDescription(string? name, string? directory)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        DatasetDefinition? known = DatasetCatalog.Find(name.Trim());
        if (known is null)
        {
            return name.Trim();
        }

        if (!ReferenceEquals(known, DatasetCatalog.IdxDirectory))
        {
            return known.Name;
        }

        string? folder = directory?.Trim().TrimEnd('/', '\\');
        return string.IsNullOrEmpty(folder) ? null : $"the IDX files in {folder}";
    }

    private static string? FromConfigJson(JsonElement config, string key)
    {
        if (!config.TryGetProperty(key, out JsonElement entry))
        {
            return null;
        }

        JsonElement value = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("value", out JsonElement v) ? v : entry;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
