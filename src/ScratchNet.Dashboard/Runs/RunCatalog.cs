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
/// <param name="HeldOutSet">Which rows those were, as <see cref="Runs.HeldOutSet.Describe"/> words them: runs compare like with like only where these are equal; null when the run does not record it.</param>
/// <param name="State">run.json's state: "running", "finished", "interrupted", "failed"; null when the run has no run.json.</param>
public sealed record RunSummary(string Id, int Epochs, double? ValidationAccuracy, double? ValidationLoss, double? BestValidationAccuracy, bool HasModel, bool HasConfig, DateTime LastWriteUtc, string? Error, string? HeldOut = null, string? HeldOutSet = null, string? State = null);

/// <summary>One run in full: its history, its configuration (config.json, or the model file's record of it) and metrics.json.</summary>
/// <param name="Error">Why history.json could not be read, when it could not (the history is then empty).</param>
/// <param name="HeldOut">What the run was judged on, as <see cref="RunSummary.HeldOut"/>.</param>
/// <param name="HeldOutSet">Which rows, as <see cref="RunSummary.HeldOutSet"/>.</param>
/// <param name="State">As <see cref="RunSummary.State"/>.</param>
public sealed record RunDetails(string Id, IReadOnlyList<HistoryRow> History, JsonElement? Config, IReadOnlyDictionary<string, string>? ModelConfiguration, JsonElement? Metrics, bool HasModel, string? Error, string? HeldOut = null, string? HeldOutSet = null, string? State = null);

/// <summary>Reads runs through <see cref="RunsFolder"/>, so every file it opens is one of a run's own.</summary>
public sealed class RunCatalog(RunsFolder folder)
{
    /// <summary>A report larger than this is refused rather than read into memory.</summary>
    public const long MaxJsonBytes = 16L << 20;

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
        IReadOnlyDictionary<string, string>? modelConfiguration = config is null ? ModelConfiguration(model) : null;
        (IReadOnlyList<HistoryRow> history, string? error) = ReadHistory(run);
        JsonElement? metrics = ReadJson(Folder.File(run, RunsFolder.MetricsFile));
        string? heldOut = HeldOutOf(metrics, config, modelConfiguration);
        return new RunDetails(run.Id, history, config, modelConfiguration, metrics, model is not null, error, heldOut, SetOf(heldOut, config, modelConfiguration), StateOf(run));
    }

    // The settings the model file recorded, from its header only; a damaged file leaves the run without them, nothing more.
    private static IReadOnlyDictionary<string, string>? ModelConfiguration(string? model)
    {
        try
        {
            return model is null ? null : ScratchNet.Models.ModelFile.LoadConfiguration(model);
        }
        catch (ModelFileException)
        {
            return null;
        }
    }

    // The rows behind the held-out name, unless the settings disagree with what the run reported (then nobody can say).
    private static string? SetOf(string? heldOut, JsonElement? config, IReadOnlyDictionary<string, string>? modelConfiguration)
    {
        string? Setting(string key) => config is not null ? ConfigValue(config, key) : modelConfiguration?.GetValueOrDefault(key);
        return Setting(HeldOutSet.SplitKey) is { } split && HeldOutSet.KindOf(split) == heldOut ? HeldOutSet.Describe(Setting) : null;
    }

    // A key of config.json: { "value": …, "source": … }, or the value itself.
    private static string? ConfigValue(JsonElement? config, string key)
    {
        if (config is not { ValueKind: JsonValueKind.Object } c || !c.TryGetProperty(key, out JsonElement entry))
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

    // run.json's "state", as train keeps it (running, finished, interrupted, failed).
    private string? StateOf(RunEntry run) =>
        ReadJson(Folder.File(run, RunsFolder.RunFile)) is { ValueKind: JsonValueKind.Object } record
            && record.TryGetProperty("state", out JsonElement state) && state.ValueKind == JsonValueKind.String
            ? state.GetString()
            : null;

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

        string? setting = config is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty(HeldOutSet.SplitKey, out _)
            ? ConfigValue(config, HeldOutSet.SplitKey)
            : modelConfiguration?.GetValueOrDefault(HeldOutSet.SplitKey);
        return setting is null ? null : HeldOutSet.KindOf(setting);
    }

    private RunSummary Summary(RunEntry run)
    {
        (IReadOnlyList<HistoryRow> rows, string? error) = ReadHistory(run);
        HistoryRow? last = rows.Count == 0 ? null : rows[^1];
        double? best = rows.Count == 0 ? null : rows.Max(r => r.ValAcc);
        string? configFile = Folder.File(run, RunsFolder.ConfigFile);
        string? model = Folder.File(run, RunsFolder.ModelFile);
        JsonElement? config = ReadJson(configFile);
        IReadOnlyDictionary<string, string>? modelConfiguration = config is null ? ModelConfiguration(model) : null;
        JsonElement? metrics = ReadJson(Folder.File(run, RunsFolder.MetricsFile));
        string? heldOut = HeldOutOf(metrics, config, modelConfiguration);
        return new RunSummary(
            run.Id, rows.Count, last?.ValAcc, last?.ValLoss, best,
            model is not null, configFile is not null, run.HistoryWrittenUtc, error, heldOut, SetOf(heldOut, config, modelConfiguration), StateOf(run));
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
