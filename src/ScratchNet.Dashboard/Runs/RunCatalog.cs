using System.Text.Json;
using ScratchNet.Models;
using ScratchNet.Training.Reports;

namespace ScratchNet.Dashboard.Runs;

/// <summary>A run as the list shows it: its name, how far it got, and its final validation numbers.</summary>
/// <param name="Error">Why the run's files could not be read, when they could not (the run is still listed).</param>
public sealed record RunSummary(string Id, int Epochs, double? ValidationAccuracy, double? ValidationLoss, double? BestValidationAccuracy, bool HasModel, bool HasConfig, DateTime LastWriteUtc, string? Error);

/// <summary>One run in full: its history, its configuration (config.json, or the model file's record of it) and metrics.json.</summary>
/// <param name="Error">Why history.json could not be read, when it could not (the history is then empty).</param>
public sealed record RunDetails(string Id, IReadOnlyList<HistoryRow> History, JsonElement? Config, IReadOnlyDictionary<string, string>? ModelConfiguration, JsonElement? Metrics, bool HasModel, string? Error);

/// <summary>Reads runs through <see cref="RunsFolder"/>, so every file it opens is one of a run's own.</summary>
public sealed class RunCatalog(RunsFolder folder)
{
    /// <summary>A report larger than this is refused rather than read into memory.</summary>
    public const long MaxJsonBytes = 16L << 20;

    public RunsFolder Folder { get; } = folder;

    public IReadOnlyList<RunSummary> List() => [.. Folder.RunIds().Select(Summary)];

    /// <summary>Null when there is no such run.</summary>
    public RunDetails? Details(string id)
    {
        if (Folder.Find(id) is null)
        {
            return null;
        }

        string? model = Folder.File(id, RunsFolder.ModelFile);
        JsonElement? config = ReadJson(Folder.File(id, RunsFolder.ConfigFile));
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

        (IReadOnlyList<HistoryRow> history, string? error) = ReadHistory(Folder.File(id, RunsFolder.HistoryFile));
        return new RunDetails(id, history, config, modelConfiguration, ReadJson(Folder.File(id, RunsFolder.MetricsFile)), model is not null, error);
    }

    private RunSummary Summary(string id)
    {
        string? history = Folder.File(id, RunsFolder.HistoryFile);
        DateTime written = history is null ? default : File.GetLastWriteTimeUtc(history);
        (IReadOnlyList<HistoryRow> rows, string? error) = ReadHistory(history);
        HistoryRow? last = rows.Count == 0 ? null : rows[^1];
        double? best = rows.Count == 0 ? null : rows.Max(r => r.ValAcc);
        return new RunSummary(
            id, rows.Count, last?.ValAcc, last?.ValLoss, best,
            Folder.File(id, RunsFolder.ModelFile) is not null, Folder.File(id, RunsFolder.ConfigFile) is not null, written, error);
    }

    // A run whose history cannot be read is still shown, with the reason, instead of failing the whole page.
    private static (IReadOnlyList<HistoryRow> Rows, string? Error) ReadHistory(string? path)
    {
        if (path is null)
        {
            return ([], null);
        }

        try
        {
            return (JsonSerializer.Deserialize<HistoryRow[]>(ReadBounded(path), ReportJson.Options) ?? [], null);
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException)
        {
            return ([], $"history.json cannot be read: {e.Message}");
        }
    }

    private static JsonElement? ReadJson(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(ReadBounded(path));
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static byte[] ReadBounded(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxJsonBytes)
        {
            throw new InvalidDataException($"{info.Name} is {info.Length} bytes, more than the {MaxJsonBytes} a report can be");
        }

        return File.ReadAllBytes(path);
    }
}
