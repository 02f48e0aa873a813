using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using ScratchNet.Files;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Options;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// The settings that decide what a run computes: every Data (with Data:Augment), Model, Training, Optimizer and Schedule
/// key except those that cannot change a number (<see cref="Ignored"/>: where data comes from, and Training:Threads,
/// whose results are identical for every value). Checkpoints carry them, and a resume under other settings is refused
/// with the keys that differ, because it could not reproduce the uninterrupted run. Checkpoints also carry the
/// early-stopping and checkpoint settings (<see cref="ContinuedSettings"/>): a resume takes them too, so the printed
/// resume command continues the same run, but they may be changed on resume and are never refused.
/// </summary>
public sealed class ConfigurationFingerprint(
    IOptions<DataOptions> data,
    IOptions<ModelOptions> model,
    IOptions<TrainingOptions> training,
    IOptions<OptimizerOptions> optimizer,
    IOptions<ScheduleOptions> schedule,
    IOptions<AugmentationOptions>? augmentation = null,
    IOptions<EarlyStoppingOptions>? earlyStopping = null,
    IOptions<CheckpointOptions>? checkpoints = null)
{
    /// <summary>Sections a resume takes from its checkpoint but lets the user change: they decide when a run stops and what it keeps, not its numbers per epoch.</summary>
    public static IReadOnlyList<string> ContinuedSections { get; } = [EarlyStoppingOptions.SectionName, CheckpointOptions.SectionName];

    /// <summary>
    /// Keys that never change what a run computes, and Model:InitFrom, which only a run's first session reads: a resume
    /// takes every weight from its checkpoint, so the file may since have moved.
    /// </summary>
    public static IReadOnlySet<string> Ignored { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Data:CacheDirectory", "Data:Mirrors", "Data:UseNpm", "Data:NpmPackage", "Data:DownloadTimeoutSeconds", "Training:Threads", "Model:InitFrom",
    };

    // A folder the run reads, recorded absolute: a resume from another working directory must read the same files.
    private const string DataDirectory = "Data:Directory";

    private const string FuseBlocksKey = $"{TrainingOptions.SectionName}:{nameof(TrainingOptions.FuseBlocks)}";

    // Empty lists are left out, so adding a list setting (Model:Layers) left the fingerprints of runs that do not use it unchanged.
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { LeaveOutEmptyLists } },
    };

    /// <summary>Every setting that shapes the run, as <c>Section:Key</c> → value (lists as <c>Section:Key:0</c>, …).</summary>
    public SortedDictionary<string, string> Settings()
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string section, object options) in new (string, object)[]
        {
            (DataOptions.SectionName, data.Value), (ModelOptions.SectionName, model.Value), (TrainingOptions.SectionName, training.Value),
            (OptimizerOptions.SectionName, optimizer.Value), (ScheduleOptions.SectionName, schedule.Value),
        })
        {
            Flatten(JsonSerializer.SerializeToElement(options, options.GetType(), Json), section, settings);
        }

        // Off, the plain layers' gradients differ from the fused blocks' in the last bits, so a resume must keep it; on (the
        // default) it is left out, as the JSON leaves it, so runs from before the key existed keep their fingerprints.
        if (!training.Value.FuseBlocks)
        {
            settings[FuseBlocksKey] = "false";
        }

        if (settings.TryGetValue(DataDirectory, out string? folder) && !string.IsNullOrWhiteSpace(folder))
        {
            settings[DataDirectory] = FolderPath.Full(folder);
        }

        // Augmentation's settings shape the run only while it is on; off, they are left out but for the switch itself.
        if (augmentation?.Value is { Enabled: true } augment)
        {
            Flatten(JsonSerializer.SerializeToElement(augment, Json), AugmentationOptions.SectionName, settings);
        }
        else
        {
            settings[$"{AugmentationOptions.SectionName}:{nameof(AugmentationOptions.Enabled)}"] = "false";
        }

        return settings;
    }

    /// <summary>
    /// Early stopping's and the checkpoints' settings, which a resume continues with unless told otherwise. Not the
    /// checkpoint folder (a resumed run keeps its own, see the host's run folder) nor Checkpoints:ResumeFrom; early
    /// stopping's other keys only while it is on.
    /// </summary>
    public SortedDictionary<string, string> ContinuedSettings()
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (earlyStopping?.Value is { } stopping)
        {
            if (stopping.Enabled)
            {
                Flatten(JsonSerializer.SerializeToElement(stopping, Json), EarlyStoppingOptions.SectionName, settings);
            }
            else
            {
                settings[$"{EarlyStoppingOptions.SectionName}:{nameof(EarlyStoppingOptions.Enabled)}"] = "false";
            }
        }

        if (checkpoints?.Value is { } c)
        {
            string section = CheckpointOptions.SectionName;
            settings[$"{section}:{nameof(CheckpointOptions.EveryEpochs)}"] = c.EveryEpochs.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"{section}:{nameof(CheckpointOptions.KeepLast)}"] = c.KeepLast.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"{section}:{nameof(CheckpointOptions.SaveBest)}"] = c.SaveBest ? "true" : "false";
            if (c.SaveBest)
            {
                settings[$"{section}:{nameof(CheckpointOptions.Monitor)}"] = c.Monitor;
            }
        }

        return settings;
    }

    /// <summary>SHA-256 of <see cref="Settings"/>.</summary>
    public string Compute() => Hash(Settings());

    /// <summary>
    /// Marks a captured checkpoint with what a resume compares: this fingerprint, the settings behind it and the continued
    /// ones (<see cref="ContinuedSettings"/>), and the data's hash.
    /// </summary>
    public void Stamp(Checkpoint checkpoint, string datasetSha256)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(datasetSha256);
        SortedDictionary<string, string> settings = Settings();
        checkpoint.ConfigurationHash = Hash(settings);
        checkpoint.DatasetSha256 = datasetSha256;
        foreach ((string key, string value) in settings.Concat(ContinuedSettings()))
        {
            checkpoint.Settings[key] = value;
        }
    }

    /// <summary>The hash version-1 and -2 checkpoints carry (before they carried their settings; it included Training:Threads).</summary>
    public string LegacyHash()
    {
        var sections = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["Data"] = new { data.Value.Dataset, data.Value.Split, data.Value.ValidationFraction, data.Value.Seed },
            ["Model"] = model.Value,
            ["Optimizer"] = optimizer.Value,
            ["Schedule"] = schedule.Value,
            ["Training"] = training.Value,
        };

        // Only when on, so the runs and checkpoints from before augmentation existed keep their fingerprints.
        if (augmentation?.Value is { Enabled: true } augment)
        {
            sections["Data:Augment"] = augment;
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(sections, Json)));
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>One line per key whose value differs: <c>Training:Epochs: 20 in the checkpoint, 100 now</c>.</summary>
    /// <param name="then">The checkpoint's settings.</param>
    /// <param name="now">This session's.</param>
    /// <param name="sourceOf">Where this session's value of a key comes from, when known (<c>environment variable SCRATCHNET_…</c>): named after it, so a leftover setting is found at once.</param>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> then, IReadOnlyDictionary<string, string> now, Func<string, string?>? sourceOf = null)
    {
        ArgumentNullException.ThrowIfNull(then);
        ArgumentNullException.ThrowIfNull(now);
        return [.. then.Keys.Union(now.Keys, StringComparer.Ordinal).Where(k => !Ignored.Contains(Section(k)) && !IsContinued(k))
            .Where(k => !Same(k, then.GetValueOrDefault(k), now.GetValueOrDefault(k)))
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}: {Show(then.GetValueOrDefault(k))} in the checkpoint, {Show(now.GetValueOrDefault(k))} now{(sourceOf?.Invoke(k) is { } source ? $" (from {source})" : string.Empty)}")];
    }

    // A checkpoint from before folders were recorded absolute holds the folder as typed, relative to where that run started.
    // Names (sgd, SGD) and layer words are read without regard to case; only a folder's path is case-sensitive.
    private static bool Same(string key, string? then, string? now) =>
        string.Equals(then, now, string.Equals(key, DataDirectory, StringComparison.OrdinalIgnoreCase) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase)
        || (string.Equals(key, DataDirectory, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(then) && !string.IsNullOrWhiteSpace(now)
            && string.Equals(FolderPath.Full(then), FolderPath.Full(now), StringComparison.Ordinal));

    /// <summary>
    /// Whether a key is one of the settings a resume continues with but may change (<see cref="ContinuedSettings"/>):
    /// early stopping's and the checkpoints', except the checkpoint folder (a resumed run keeps its own) and ResumeFrom.
    /// </summary>
    public static bool IsContinued(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ContinuedSections.Any(section => key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
            && !key.Equals($"{CheckpointOptions.SectionName}:{nameof(CheckpointOptions.Directory)}", StringComparison.OrdinalIgnoreCase)
            && !key.Equals($"{CheckpointOptions.SectionName}:{nameof(CheckpointOptions.ResumeFrom)}", StringComparison.OrdinalIgnoreCase);
    }

    private static string Section(string key)
    {
        // Data:Mirrors:0 is ignored as Data:Mirrors is.
        string[] parts = key.Split(':');
        return parts.Length > 2 && int.TryParse(parts[^1], out _) ? string.Join(':', parts[..^1]) : key;
    }

    private static string Show(string? value) => value is null ? "(not set)" : value.Length == 0 ? "(empty)" : value;

    private static string Hash(SortedDictionary<string, string> settings) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(settings, Json))));

    private static void Flatten(JsonElement element, string path, SortedDictionary<string, string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Flatten(property.Value, $"{path}:{property.Name}", into);
                }

                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}:{i++}", into);
                }

                break;
            case JsonValueKind.Null:
                break;
            default:
                if (!Ignored.Contains(Section(path)))
                {
                    into[path] = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
                }

                break;
        }
    }

    private static void LeaveOutEmptyLists(JsonTypeInfo type)
    {
        foreach (JsonPropertyInfo property in type.Properties)
        {
            if (typeof(System.Collections.ICollection).IsAssignableFrom(property.PropertyType))
            {
                property.ShouldSerialize = (_, value) => value is System.Collections.ICollection { Count: > 0 };
            }
        }
    }
}
