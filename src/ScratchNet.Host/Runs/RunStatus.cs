using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScratchNet.Files;

namespace ScratchNet.Host.Runs;

/// <summary>
/// <c>run.json</c> in a run folder: whether the run finished, where its checkpoints are, and each session that worked on
/// it (the first, and every <c>train --resume</c> that continued it). <c>train --resume</c> alone reads these to find the
/// most recent run that did not finish.
/// </summary>
public sealed class RunStatus
{
    public const string FileName = "run.json";

    public const string Running = RunStates.Running;
    public const string Finished = RunStates.Finished;
    public const string Interrupted = RunStates.Interrupted;
    public const string Failed = RunStates.Failed;
    public const string Diverged = RunStates.Diverged;
    public const string Lost = RunStates.Lost;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,

        // For people as much as programs: a path with ü or 日本 and the '+' of the version stay as they are (still valid JSON).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Id { get; set; } = string.Empty;

    /// <summary>running, finished, interrupted (Ctrl+C), failed (an error, e.g. a full disk) or diverged. A run killed outright stays "running" with no process holding its lock.</summary>
    public string State { get; set; } = Running;

    /// <summary>
    /// The run's checkpoint folder as recorded: relative to the run folder when inside it (<c>checkpoints</c>), so a
    /// copied, moved or renamed run folder keeps its own; absolute when outside; null when checkpoints were off. Read it
    /// through <see cref="CheckpointFolderOf"/>.
    /// </summary>
    public string? Checkpoints { get; set; }

    /// <summary>What <see cref="Checkpoints"/> records for <paramref name="checkpointFolder"/> (full, or null) of the run in <paramref name="runFolder"/>.</summary>
    public static string? Record(string runFolder, string? checkpointFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        if (checkpointFolder is null)
        {
            return null;
        }

        string relative = Path.GetRelativePath(runFolder, checkpointFolder);
        return relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? checkpointFolder : relative;
    }

    /// <summary>
    /// The full path of the checkpoint folder of the run in <paramref name="runFolder"/>, or null when checkpoints were off.
    /// A record from before checkpoint folders were recorded relative names the folder where the run was then
    /// (<c>/old/runs/ID/checkpoints</c>): inside a folder named after the run's id, it is read as inside this one, so a copy
    /// or a moved runs folder never reads or prunes the original's checkpoints.
    /// </summary>
    public string? CheckpointFolderOf(string runFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        if (Checkpoints is not { Length: > 0 } recorded)
        {
            return null;
        }

        if (!Path.IsPathRooted(recorded))
        {
            return Path.GetFullPath(Path.Combine(runFolder, recorded));
        }

        string marker = $"{Path.DirectorySeparatorChar}{Id}{Path.DirectorySeparatorChar}";
        int at = Id.Length == 0 ? -1 : recorded.LastIndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            return Path.GetFullPath(Path.Combine(runFolder, recorded[(at + marker.Length)..]));
        }

        // A folder beside the run's (Checkpoints:Directory=../ck) goes with it when the runs folder is renamed, moved or
        // copied whole: it is found where it stands to the run folder as it stood before.
        return Beside(runFolder) is { } beside && Directory.Exists(beside) ? beside : recorded;
    }

    /// <summary>
    /// Where the recorded checkpoint folder outside the run stands to <paramref name="runFolder"/> as it stood to the
    /// folder that recorded it (<c>../ck/ID</c>); null when that is no other place.
    /// </summary>
    public string? Beside(string runFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        if (Checkpoints is not { Length: > 0 } recorded || !Path.IsPathRooted(recorded) || Folder is not { Length: > 0 } before || !Path.IsPathRooted(before))
        {
            return null;
        }

        string beside = Path.GetFullPath(Path.Combine(runFolder, Path.GetRelativePath(before, recorded)));
        return beside == recorded ? null : beside;
    }

    /// <summary>
    /// Where the run folder was when this file was last written, and its identity there (<see cref="FileIdentity.Of"/>):
    /// a copy of the folder (<c>cp -a</c>) carries this file but is another folder, so it can tell itself from its
    /// original and keep off the original's checkpoints outside the folder (see <see cref="RunFolder.CopyOf"/>).
    /// </summary>
    public string? Folder { get; set; }

    /// <inheritdoc cref="Folder"/>
    public string? FolderIdentity { get; set; }

    public List<RunSession> Sessions { get; set; } = [];

    /// <summary>When the run was last started or resumed: what "most recent" means for <c>--resume</c>.</summary>
    [JsonIgnore]
    public DateTime LastStarted => Sessions.Count == 0 ? DateTime.MinValue : Sessions.Max(s => s.Started);

    public static RunStatus? TryRead(string folder)
    {
        string path = Path.Combine(folder, FileName);
        try
        {
            byte[] bytes = InputFile.ReadAllBytes(path, 1 << 20, "the run status");
            return JsonSerializer.Deserialize<RunStatus>(bytes, Json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// What keeps <see cref="TryRead"/> from reading <paramref name="folder"/>'s run.json, in words that follow "run.json"
    /// ("is missing", "is damaged (…)"); null when it reads.
    /// </summary>
    public static string? Problem(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (FileKinds.Of(path) == FileKind.Missing)
        {
            return "is missing";
        }

        try
        {
            byte[] bytes = InputFile.ReadAllBytes(path, 1 << 20, "the run status");
            return JsonSerializer.Deserialize<RunStatus>(bytes, Json) is null ? "is damaged (it holds null, not a run's record)" : null;
        }
        catch (JsonException e)
        {
            return $"is damaged ({e.Message.Split(". ")[0].TrimEnd('.')})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({FileSystemError.Reason(e)})";
        }
    }

    /// <summary>Writes run.json into <paramref name="folder"/>, recording that folder and its identity as the run's place.</summary>
    public void Write(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Folder = Path.GetFullPath(folder);
        FolderIdentity = FileIdentity.Of(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json), flushToDisk: true, createFolder: false);
    }
}
