using System.Text.Json;
using ScratchNet.Files;
using ScratchNet.Models;
using ScratchNet.Training.Reports;

namespace ScratchNet.Dashboard.Runs;

/// <summary>A run as the list shows it: its name, how far it got, and its final held-out numbers.</summary>
/// <param name="Epochs">Finished epochs (history.json's rows); 0 for a run stopped or still training in its first epoch.</param>
/// <param name="ValidationAccuracy">The last epoch's accuracy on the held-out split that <paramref name="HeldOut"/> names (history.json's val_acc).</param>
/// <param name="HeldOut">What the run was judged on: "test" (the official test set) or "validation"; null when the run does not say.</param>
/// <param name="Error">Why the run's files could not be read, when they could not (the run is still listed).</param>
/// <param name="State">run.json's state: running, finished, interrupted, failed or diverged; null for a run without one (older runs).</param>
/// <param name="HeldOutSet">Which rows it was judged on, as <see cref="HeldOutRows.Set"/>; null when the run does not record it.</param>
/// <param name="ModelAccuracy">The saved model's accuracy on the held-out split (metrics.json): after early stopping restored an earlier epoch's weights, not the last epoch's; null before the run ends.</param>
/// <param name="ModelEpoch">The epoch whose weights the model holds (metrics.json); null where metrics.json does not record it.</param>
public sealed record RunSummary(string Id, int Epochs, double? ValidationAccuracy, double? ValidationLoss, double? BestValidationAccuracy, bool HasModel, bool HasConfig, DateTime LastWriteUtc, string? Error, string? HeldOut = null, string? State = null, string? HeldOutSet = null, double? ModelAccuracy = null, int? ModelEpoch = null);

/// <summary>One run in full: its history, its configuration (config.json, or the model file's record of it) and metrics.json.</summary>
/// <param name="Error">Why history.json could not be read, when it could not (the history is then empty).</param>
/// <param name="HeldOut">What the run was judged on, as <see cref="RunSummary.HeldOut"/>.</param>
/// <param name="State">As <see cref="RunSummary.State"/>.</param>
/// <param name="HeldOutSet">As <see cref="RunSummary.HeldOutSet"/>.</param>
public sealed record RunDetails(string Id, IReadOnlyList<HistoryRow> History, JsonElement? Config, IReadOnlyDictionary<string, string>? ModelConfiguration, JsonElement? Metrics, bool HasModel, string? Error, string? HeldOut = null, string? State = null, string? HeldOutSet = null);

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

        var damage = new List<string>();
        IReadOnlyList<HistoryRow> history = ReadHistory(run, damage);
        string? model = Model(run, damage);
        JsonElement? config = ReadJson(run, RunsFolder.ConfigFile, damage);
        IReadOnlyDictionary<string, string>? modelConfiguration = config is null ? RecordedConfiguration(model) : null;
        JsonElement? metrics = ReadJson(run, RunsFolder.MetricsFile, damage);
        HeldOutRows heldOut = HeldOutRows.Of(metrics, config, modelConfiguration);
        string? state = StateOf(run, damage);
        return new RunDetails(run.Id, history, config, modelConfiguration, metrics, model is not null, Reasons(damage), heldOut.Name, state, heldOut.Set);
    }

    private RunSummary Summary(RunEntry run)
    {
        var damage = new List<string>();
        IReadOnlyList<HistoryRow> rows = ReadHistory(run, damage);
        HistoryRow? last = rows.Count == 0 ? null : rows[^1];
        double? best = rows.Count == 0 ? null : rows.Max(r => r.ValAcc);
        string? model = Model(run, damage);
        JsonElement? config = ReadJson(run, RunsFolder.ConfigFile, damage);
        JsonElement? metrics = ReadJson(run, RunsFolder.MetricsFile, damage);
        HeldOutRows heldOut = HeldOutRows.Of(metrics, config, config is null ? RecordedConfiguration(model) : null);
        string? state = StateOf(run, damage);
        return new RunSummary(
            run.Id, rows.Count, last?.ValAcc, last?.ValLoss, best,
            model is not null, config is not null, run.WrittenUtc, Reasons(damage), heldOut.Name, state, heldOut.Set,
            Number(metrics, "accuracy"), Number(metrics, "epoch") is { } epoch ? (int)epoch : null);
    }

    // The model file the explorer can open: an empty, cut-short or foreign one (a save cut short, a touched file) is not
    // offered, and says why.
    private string? Model(RunEntry run, List<string> damage)
    {
        if (Present(run, RunsFolder.ModelFile, damage) is not { } path)
        {
            return null;
        }

        if (RunModelFile.Reason(path) is { } problem)
        {
            damage.Add($"{RunsFolder.ModelFile} {problem}");
            return null;
        }

        return path;
    }

    // One of the run's files, or null when it has none; a folder, pipe or device by the file's name is damage, not absence.
    private string? Present(RunEntry run, string name, List<string> damage)
    {
        if (RunsFolder.NotAFile(run, name) is { } problem)
        {
            damage.Add($"{name} {problem}");
            return null;
        }

        return Folder.File(run, name);
    }

    // An editor may save a UTF-8 byte-order mark in front of good JSON, which System.Text.Json refuses as damage.
    private static ReadOnlyMemory<byte> ReadText(string path)
    {
        byte[] bytes = InputFile.ReadAllBytes(path, MaxJsonBytes, "the file");
        return bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsMemory(3) : bytes;
    }

    // A run from before config.json existed still names its data in its model file's header (read alone, not the tensors).
    private static IReadOnlyDictionary<string, string>? RecordedConfiguration(string? model)
    {
        if (model is null)
        {
            return null;
        }

        try
        {
            return ScratchNet.Models.ModelFile.LoadConfiguration(model);
        }
        catch (ModelFileException)
        {
            // A damaged model file leaves the run without a configuration to show, nothing more.
            return null;
        }
    }

    // A finite number of metrics.json, or null (no file, no such field, another kind of value).
    private static double? Number(JsonElement? report, string name) =>
        report is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number
        && value.TryGetDouble(out double number) && double.IsFinite(number) ? number : null;

    /// <summary>What <see cref="RunSummary.State"/> says of a run whose run.json says running but whose process is gone.</summary>
    public const string Lost = RunStates.Lost;

    // run.json says "running" until the session ends; a process killed or crashed never ends it. Its lock file stays but
    // no process holds it any more: such a run is "lost", not running. (No lock file: a run from before locks, left as it
    // says.) A folder or pipe by the lock's name is no lock that a process could hold: lost too, and said why; opening a
    // pipe to ask would block the list.
    private string? StateOf(RunEntry run, List<string> damage)
    {
        string? recorded = ReadJson(run, RunsFolder.StatusFile, damage) is { } status
            && status.TryGetProperty("state", out JsonElement state) && state.ValueKind == JsonValueKind.String ? state.GetString() : null;
        if (RunsFolder.NotAFile(run, RunLock.FileName) is { } problem)
        {
            damage.Add($"{RunLock.FileName} {problem}");
            return recorded == "running" ? Lost : recorded;
        }

        return recorded == "running" && File.Exists(Path.Combine(run.Path, RunLock.FileName)) && !RunLock.IsHeld(run.Path) ? Lost : recorded;
    }

    // One plain sentence per damaged file; null when every file present could be read.
    private static string? Reasons(List<string> damage) => damage.Count == 0 ? null : string.Join("; ", damage);

    // A run whose history cannot be read is still shown, with the reason, instead of failing the whole page: a damaged or
    // hand-edited file (a null row, a number JSON cannot carry back), a pipe or device in its place, a file too large.
    private IReadOnlyList<HistoryRow> ReadHistory(RunEntry run, List<string> damage)
    {
        if (ReadJson(run, RunsFolder.HistoryFile, damage, RunFileShapes.History) is not { } root)
        {
            return [];
        }

        try
        {
            return [.. root.Deserialize<HistoryRow[]>(ReportJson.Options) ?? []];
        }
        catch (JsonException e)
        {
            // The shape was checked field by field; this is what that check does not know of.
            damage.Add($"{RunsFolder.HistoryFile} is damaged: its rows are not epochs as ScratchNet writes them ({e.Path})");
            return [];
        }
    }

    private JsonElement? ReadJson(RunEntry run, string name, List<string> damage) => ReadJson(run, name, damage, root => RunFileShapes.Report(name, root));

    // A file the run does not have is no damage (a run still training has no metrics.json); one that cannot be read is.
    // Valid JSON of the wrong shape is damage too (RunFileShapes): null, a list where an object of figures belongs, a
    // figure that is not a number, a state that is not one. It would otherwise show as "–" or no state, with no word why.
    private JsonElement? ReadJson(RunEntry run, string name, List<string> damage, Func<JsonElement, string?> shape)
    {
        if (Present(run, name, damage) is not { } path)
        {
            return null;
        }

        ReadOnlyMemory<byte> text = ReadOnlyMemory<byte>.Empty;
        try
        {
            text = ReadText(path);
            string? problem = EncodingProblem(text.Span);
            if (problem is null)
            {
                using JsonDocument document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
                problem = shape(document.RootElement);
                if (problem is null)
                {
                    return document.RootElement.Clone();
                }
            }

            damage.Add($"{name} is damaged: {problem}");
            return null;
        }
        catch (JsonException) when (NestedTooDeeply(text.Span))
        {
            damage.Add($"{name} is damaged: it nests lists or objects more than {MaxJsonDepth} deep, which the dashboard does not read (ScratchNet writes a few levels at most)");
            return null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            damage.Add(Damaged(run, name, path, e));
            return null;
        }
    }

    /// <summary>How deep a run file may nest lists and objects: System.Text.Json's default, far deeper than ScratchNet writes.</summary>
    public const int MaxJsonDepth = 64;

    // Valid JSON nested past MaxJsonDepth was called "not complete, valid JSON (line 1, byte 65)". The reader is read
    // again without that limit (it reads without recursion, so a deep file costs no more than a long one), up to the
    // point where the limit was passed; damage before that point is what the parse failed on.
    private static bool NestedTooDeeply(ReadOnlySpan<byte> text)
    {
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= MaxJsonDepth)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }

    // A file saved as UTF-16, or with a second byte-order mark, was "not complete JSON (line 1, byte 1)" with no word why.
    private static string? EncodingProblem(ReadOnlySpan<byte> text) =>
        text.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || text.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? "it is saved as UTF-16; save it as UTF-8"
        : text.StartsWith("\uFEFF"u8) ? "it starts with two byte-order marks; save it as UTF-8 with one at most"
        : null;

    // In plain words, without System.Text.Json's ("…when isFinalBlock is true. Path: $ | LineNumber: 0…") or the server's path.
    private static string Damaged(RunEntry run, string name, string path, Exception e)
    {
        if (e is JsonException json)
        {
            if (File.Exists(path) && new FileInfo(path).Length == 0)
            {
                return $"{name} is empty";
            }

            string where = json.LineNumber is long line ? $" (line {line + 1}, byte {(json.BytePositionInLine ?? 0) + 1})" : string.Empty;
            return $"{name} is damaged: it is not complete, valid JSON of the kind ScratchNet writes{where}";
        }

        return $"{name} cannot be read: {e.Message.Replace(path, $"{run.Id}/{name}", StringComparison.Ordinal)}";
    }
}
