using System.Text.Json;
using ScratchNet.Data;
using ScratchNet.Data.Options;
using ScratchNet.Files;
using ScratchNet.Models;
using ScratchNet.Training.Reports;

namespace ScratchNet.Dashboard.Runs;

/// <summary>A run as the list shows it: its name, how far it got, and its final held-out numbers.</summary>
/// <param name="ValidationAccuracy">The last epoch's accuracy on the held-out split that <paramref name="HeldOut"/> names (history.json's val_acc).</param>
/// <param name="HeldOut">What the run was judged on: "test" (the official test set) or "validation"; null when the run does not say.</param>
/// <param name="Error">Why the run's files could not be read, when they could not (the run is still listed).</param>
public sealed record RunSummary(string Id, int Epochs, double? ValidationAccuracy, double? ValidationLoss, double? BestValidationAccuracy, bool HasModel, bool HasConfig, DateTime LastWriteUtc, string? Error, string? HeldOut = null);

/// <summary>One run in full: its history, its configuration (config.json, or the model file's record of it) and metrics.json.</summary>
/// <param name="Error">Why history.json could not be read, when it could not (the history is then empty).</param>
/// <param name="HeldOut">What the run was judged on, as <see cref="RunSummary.HeldOut"/>.</param>
public sealed record RunDetails(string Id, IReadOnlyList<HistoryRow> History, JsonElement? Config, IReadOnlyDictionary<string, string>? ModelConfiguration, JsonElement? Metrics, bool HasModel, string? Error, string? HeldOut = null);

/// <summary>Reads runs through <see cref="RunsFolder"/>, so every file it opens is one of a run's own.</summary>
public sealed class RunCatalog(RunsFolder folder)
{
    /// <summary>A report larger than this is refused rather than read into memory.</summary>
    public const long MaxJsonBytes = 16L << 20;

    private const string SplitKey = DataOptions.SectionName + ":" + nameof(DataOptions.Split);

    public RunsFolder Folder { get; } = folder;

    /// <summary>Every run; one whose files cannot be read is listed with the reason instead of failing the list.</summary>
    public IReadOnlyList<RunSummary> List() => [.. Folder.Runs().Select(Summary)];

    /// <summary>Null when there is no such run.</summary>
    public RunDetails? Details(string id)
    {
        if (Folder.FindRun(id) is not { } run)
        {
            return null;
        }

        string? model = Folder.File(run, RunsFolder.ModelFile);
        JsonElement? config = ReadJson(Folder.File(run, RunsFolder.ConfigFile));
        IReadOnlyDictionary<string, string>? modelConfiguration = null;
        if (config is null && model is not null)
        {
            try
            {
                modelConfiguration = ScratchNet.Models.ModelFile.Load(model).Configuration;
            }
            catch (ModelFileException)
            {
                // A damaged model file leaves the run without a configuration to show, nothing more.
            }
        }

        (IReadOnlyList<HistoryRow> history, string? error) = ReadHistory(run);
        JsonElement? metrics = ReadJson(Folder.File(run, RunsFolder.MetricsFile));
        string? heldOut = HeldOutOf(metrics, config, modelConfiguration);
        return new RunDetails(run.Id, history, config, modelConfiguration, metrics, model is not null, error, heldOut);
    }

    /// <summary>
    /// The held-out split's name: metrics.json's "split" (written when the run ends), else what the run's Data:Split
    /// makes of it (config.json, written when it starts, or the model file's record), else null.
    /// </summary>
    public static string? HeldOutOf(JsonElement? metrics, JsonElement? config, IReadOnlyDictionary<string, string>? modelConfiguration = null)
    {
        if (metrics is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("split", out JsonElement split) && split.ValueKind == JsonValueKind.String
            && split.GetString() is Dataset.TestName or Dataset.ValidationName)
        {
            return split.GetString();
        }

        string? setting = null;
        if (config is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty(SplitKey, out JsonElement entry))
        {
            JsonElement value = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("value", out JsonElement v) ? v : entry;
            setting = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        else if (modelConfiguration is not null && modelConfiguration.TryGetValue(SplitKey, out string? recorded))
        {
            setting = recorded;
        }

        return setting is null ? null
            : string.Equals(setting, DataOptions.OfficialSplit, StringComparison.OrdinalIgnoreCase) ? Dataset.TestName : Dataset.ValidationName;
    }

    private RunSummary Summary(RunEntry run)
    {
        (IReadOnlyList<HistoryRow> rows, string? error) = ReadHistory(run);
        HistoryRow? last = rows.Count == 0 ? null : rows[^1];
        double? best = rows.Count == 0 ? null : rows.Max(r => r.ValAcc);
        string? config = Folder.File(run, RunsFolder.ConfigFile);
        JsonElement? metrics = ReadJson(Folder.File(run, RunsFolder.MetricsFile));
        string? heldOut = HeldOutOf(metrics, null) ?? HeldOutOf(null, ReadJson(config));
        return new RunSummary(
            run.Id, rows.Count, last?.ValAcc, last?.ValLoss, best,
            Folder.File(run, RunsFolder.ModelFile) is not null, config is not null, run.HistoryWrittenUtc, error, heldOut);
    }

    // A run whose history cannot be read is still shown, with the reason, instead of failing the whole page: a damaged or
    // hand-edited file (a null row, a number JSON cannot carry back), a pipe or device in its place, a file too large.
    private (IReadOnlyList<HistoryRow> Rows, string? Error) ReadHistory(RunEntry run)
    {
        string? path = Folder.File(run, RunsFolder.HistoryFile);
        if (path is null)
        {
            return ([], null);
        }

        try
        {
            HistoryRow?[] rows = JsonSerializer.Deserialize<HistoryRow?[]>(InputFile.ReadAllBytes(path, MaxJsonBytes, "the file"), ReportJson.Options) ?? [];
            return Problem(rows) is { } problem ? ([], $"history.json cannot be read: {problem}") : ([.. rows.OfType<HistoryRow>()], null);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // The name inside the runs folder, not the server's absolute path.
            return ([], $"history.json cannot be read: {e.Message.Replace(path, $"{run.Id}/{RunsFolder.HistoryFile}", StringComparison.Ordinal)}");
        }
    }

    // Rows the page can draw: present, and every number finite (JSON has no infinity; 1e400 reads as one).
    private static string? Problem(HistoryRow?[] rows)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i] is not { } r)
            {
                return $"row {i + 1} is null";
            }

            foreach ((string name, double? value) in new (string, double?)[]
            {
                ("train_loss", r.TrainLoss), ("train_acc", r.TrainAcc), ("val_loss", r.ValLoss), ("val_acc", r.ValAcc),
                ("learning_rate", r.LearningRate), ("train_seconds", r.TrainSeconds), ("eval_seconds", r.EvalSeconds),
            })
            {
                if (value is double v && !double.IsFinite(v))
                {
                    return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"row {i + 1} (epoch {r.Epoch}) has {name} = {v}, not a finite number");
                }
            }
        }

        return null;
    }

    private static JsonElement? ReadJson(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(InputFile.ReadAllBytes(path, MaxJsonBytes, "the file"));
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
