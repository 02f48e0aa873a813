using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ScratchNet.Files;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Host.Runs;

/// <summary>
/// This run's folder, <c>{Run:Directory}/{run id}</c>: its log, configuration, history, reports, model and checkpoints
/// go here, and no other run's do. The id (<see cref="NewId"/>) starts with the start time, so folders sort by time, and
/// ends with random hex, so two runs started in the same second never share one; <see cref="Claim()"/> creates the folder
/// exclusively, so an id is never reused. While a process trains in it, it holds the folder's lock file, so another
/// process can tell a live run from one that was killed.
/// </summary>
public sealed partial class RunFolder : IDisposable
{
    public const string LockFileName = RunLock.FileName;

    /// <summary>The longest name among the files a run writes right in its own folder (its checkpoint folder is probed on its own).</summary>
    private const string LongestFileName = "misclassified.png";

    /// <summary>
    /// The longest path a run writes below its own folder: with TensorBoard, its <c>tensorboard/validation/events.out.tfevents.…</c>,
    /// which holds the host name; else a file right in it. The start-up probe writes a name this long, so a folder too deep
    /// for it is refused before the run starts rather than failing when TensorBoard's first file is opened.
    /// </summary>
    internal static int LongestRelativePath(bool tensorBoard) =>
        tensorBoard
            ? Math.Max(LongestFileName.Length, $"{Reports.TensorBoardWriter.FolderName}/validation/".Length + Reports.TensorBoard.EventFile.LongestName)
            : LongestFileName.Length;

    private FileStream? _lock;

    /// <param name="path">The folder.</param>
    /// <param name="resumeCheckpoint">The checkpoint this run continues, or null for a fresh run.</param>
    /// <param name="continues">True when the folder belongs to the interrupted run being resumed, so it already exists.</param>
    public RunFolder(string path, string? resumeCheckpoint = null, bool continues = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = FolderPath.Full(path);
        ResumeCheckpoint = resumeCheckpoint is null ? null : System.IO.Path.GetFullPath(resumeCheckpoint);
        Continues = continues;
    }

    public string Path { get; }

    public string Id => System.IO.Path.GetFileName(Path);

    public string? ResumeCheckpoint { get; }

    public bool Continues { get; }

    /// <summary>
    /// The folder's identity (<see cref="FileIdentity.Of"/>) when this process claimed it, which a move keeps and a copy does
    /// not: what a rescue written after the folder went away still names it by. Null before <see cref="Claim()"/>, or where
    /// the system cannot tell.
    /// </summary>
    public string? Identity { get; private set; }

    /// <summary>A newer resume point the run's last session left, which is gone, so this resume redoes the training since <see cref="ResumeCheckpoint"/>; null when none is.</summary>
    public string? GoneNewer { get; init; }

    /// <summary>
    /// A rescue of this folder's name, further on than <see cref="ResumeCheckpoint"/>, that no session of this run recorded
    /// and that was kept for another folder (a copy of the same name, or the original): skipped, with that folder's place.
    /// </summary>
    public (string Rescue, string KeptFor)? SkippedRescue { get; init; }

    /// <summary>
    /// The epochs this folder's history.csv holds when <see cref="ResumeCheckpoint"/>, a point of this run, is further on
    /// than anything the folder records (its history.csv damaged or emptied, or its content restored from an older backup); null otherwise.
    /// </summary>
    public int? AheadOfRecord { get; init; }

    /// <summary>
    /// For a new folder resuming a checkpoint of an outside checkpoint folder: where the run folder that marks it as its
    /// own was when it last trained, and is no longer (moved or removed); null otherwise.
    /// </summary>
    public string? LeftBy { get; init; }

    /// <summary>
    /// For a new folder resuming a rescue from the temp folder (<c>scratchnet-NAME-ckpt-….ckpt</c>): the name of the run folder
    /// it was kept for, which is not in Run:Directory or does not name it as its own (moved, removed, or a copy's); null otherwise.
    /// </summary>
    public string? RescuedFor { get; init; }

    /// <summary>
    /// "20261126-023755-8f3a9c1e": the start time in UTC, then 32 random bits. UTC, so ids sort in the order runs started
    /// across time zones and daylight-saving changes (run.json and the log are UTC too).
    /// </summary>
    public static string NewId(DateTime now) =>
        string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");

    /// <summary>Where this run's checkpoints go, for a configured Checkpoints:Directory; null when checkpoints are off.</summary>
    /// <remarks>
    /// Relative paths are inside the run folder (the default "checkpoints" gives runs/ID/checkpoints). A folder outside it
    /// gets a subfolder per run (/fast/ckpt/ID), so no two runs ever share, prune or overwrite each other's checkpoints.
    /// A resumed run keeps the folder its run.json names (or none, when it trained with checkpoints off), so its
    /// checkpoints stay in one place, unless the user set Checkpoints:Directory for this session.
    /// </remarks>
    /// <param name="keepOwn">False when the user set <paramref name="configured"/> for this session.</param>
    public string? CheckpointFolder(string? configured, bool keepOwn = false)
    {
        // run.json has always named the folder when checkpoints were on, so a run.json without one is a run trained with
        // them off: its resume (from a rescued resume point) keeps them off rather than taking the default folder.
        if (Continues && keepOwn && RunStatus.TryRead(Path) is { } status)
        {
            return OwnedBy(status, status.CheckpointFolderOf(Path));
        }

        if (keepOwn && KeptCheckpointRoot() is { } root)
        {
            return System.IO.Path.Combine(root, Id);
        }

        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, configured));
        return full == Path || Contains(full) ? full : Continues && RunStatus.TryRead(Path) is { } run ? OwnedBy(run, System.IO.Path.Combine(full, Id)) : System.IO.Path.Combine(full, Id);
    }

    /// <summary>
    /// <paramref name="checkpoints"/>, unless it is outside this folder and belongs to another run folder (the one this
    /// is a copy of): then a new folder (<c>/ck/COPY-NAME</c>, <c>/ck/ID-2</c>), so the copy never prunes or continues
    /// the other's points (it resumes from one of them and goes on in its own). Beside the runs (<c>../ck</c>), the new
    /// folder is beside this run folder, as the setting says; elsewhere, beside the other's.
    /// </summary>
    private string? OwnedBy(RunStatus status, string? checkpoints)
    {
        if (checkpoints is null || Contains(checkpoints) || OwnsCheckpoints(status, checkpoints))
        {
            return checkpoints;
        }

        string relative = status.Folder is { Length: > 0 } before && status.Checkpoints is { } recorded ? System.IO.Path.GetRelativePath(before, recorded) : string.Empty;
        bool besideTheRuns = relative.StartsWith($"..{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !relative[3..].Contains("..", StringComparison.Ordinal);
        string parent = System.IO.Path.GetDirectoryName((besideTheRuns ? status.Beside(Path) : null) ?? checkpoints)!;
        string own = System.IO.Path.Combine(parent, Id);
        for (int n = 2; own == checkpoints || Directory.Exists(own); n++)
        {
            own = System.IO.Path.Combine(parent, string.Create(CultureInfo.InvariantCulture, $"{Id}-{n}"));
        }

        return own;
    }

    /// <summary>
    /// True when <paramref name="checkpoints"/>, outside this folder, is this run's own: its <see cref="CheckpointFolderOwner"/>
    /// marker names this folder. Without a valid marker (deleted, or the checkpoint folder restored or copied): a folder
    /// copied along with the run (not the one run.json names) is the copy's; the one run.json names is this folder's when
    /// it is the folder that last wrote run.json (its identity), or, where identities are unknown (runs from before they
    /// were recorded, not Linux), unless this folder is a copy of a run still where it was.
    /// </summary>
    public bool OwnsCheckpoints(RunStatus status, string checkpoints)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentException.ThrowIfNullOrEmpty(checkpoints);
        if (CheckpointFolderOwner.IsOwner(checkpoints, Path) is { } marked)
        {
            return marked;
        }

        if (System.IO.Path.GetFullPath(checkpoints) != status.Checkpoints)
        {
            return true;
        }

        return status.FolderIdentity is { } wrote && FileIdentity.Of(Path) is { } mine ? wrote == mine : CopyOf(status) is null;
    }

    /// <summary>
    /// The folder of the run this one is a copy of (<c>cp -a runs/ID runs/copy</c>: the copy's run.json names the original's
    /// place), while that run is still there; null for the run's own folder, moved or renamed (its identity is the one
    /// recorded, or nothing is left where it was).
    /// </summary>
    public string? CopyOf(RunStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Folder is not { Length: > 0 } recorded || recorded == Path)
        {
            return null;
        }

        string? identity = FileIdentity.Of(Path);
        if (identity is not null && identity == status.FolderIdentity)
        {
            return null;
        }

        return Directory.Exists(recorded) && RunStatus.TryRead(recorded)?.Id == status.Id
            && (status.FolderIdentity is null || FileIdentity.Of(recorded) == status.FolderIdentity)
            ? recorded
            : null;
    }

    /// <summary>
    /// For a new folder resuming a checkpoint that lives in another run's folder of a Checkpoints:Directory outside its run
    /// (<c>/fast/ckpt/20261126-205120-26573760/ckpt-e0005-b000000.ckpt</c>, its run folder since removed): that
    /// Checkpoints:Directory (<c>/fast/ckpt</c>), which the user chose for that run; else null.
    /// </summary>
    public string? KeptCheckpointRoot() =>
        !Continues && ResumeCheckpoint is { } file && System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file)) is { } folder
            && IsId(System.IO.Path.GetFileName(folder)) && System.IO.Path.GetDirectoryName(folder) is { } root
            ? root
            : null;

    /// <summary>True for a name <see cref="NewId"/> makes: <c>20261126-023755-8f3a9c1e</c>.</summary>
    public static bool IsId(string name) => IdPattern().IsMatch(name);

    [GeneratedRegex("^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$")]
    private static partial Regex IdPattern();

    /// <summary>
    /// Makes the folder this process's: creates it (a fresh run: exclusively, failing if the id exists) and takes its lock.
    /// </summary>
    /// <exception cref="RunFolderException">The folder cannot be created or written, or another process is training in it.</exception>
    /// <remarks>Made before the options are read, the claim cannot tell whether TensorBoard will write: the probe makes room for its names.</remarks>
    public void Claim() => Claim(tensorBoard: true);

    /// <summary>As <see cref="Claim()"/>, for a run that does or does not write TensorBoard's files, whose long names the probe makes room for.</summary>
    /// <exception cref="RunFolderException">The folder cannot be created or written, or another process is training in it.</exception>
    public void Claim(bool tensorBoard)
    {
        if (_lock is not null)
        {
            return;
        }

        // A resumed run's folder was there when it was chosen: gone now, it was moved or removed meanwhile, and creating it
        // again would split the run (the rest of it, with its run.json and log, is wherever it went).
        if (Continues && !Directory.Exists(Path))
        {
            throw RunFolderException.About(Path, "was moved or removed while this resume started; resume it where it is now (train --resume NEW-PLACE)");
        }

        // A resume writes into the run's own folder, wherever it is, and Run:Directory plays no part: that folder is probed,
        // and the way to go on from a folder one cannot write (another user's, a read-only share) is a copy of its checkpoint.
        if (Continues)
        {
            if (OutputFolder.Probe(Path, longestName: LongestRelativePath(tensorBoard)) is { } notWritable)
            {
                string copy = ResumeCheckpoint is null ? "copy its newest checkpoint (checkpoints/*.ckpt) out, e.g. to my.ckpt" : $"copy its checkpoint out (cp {ShellWord.Quote(ResumeCheckpoint)} my.ckpt)";
                throw new RunFolderException($"the run folder {notWritable}, and a resume continues in the run's own folder, whatever Run:Directory says; to go on in a new run folder of your own, {copy} and run train --resume my.ckpt");
            }
        }
        else if (OutputFolder.Probe(System.IO.Path.GetDirectoryName(Path)!, longestName: Id.Length + 1 + LongestRelativePath(tensorBoard)) is { } problem)
        {
            throw new RunFolderException($"Run:Directory {problem}; set Run:Directory to a writable folder");
        }

        if (!Continues && Directory.Exists(Path))
        {
            throw RunFolderException.About(Path, "already exists; run ids are never reused, so start again for a new one");
        }

        if (Continues && LockProblem() is { } lockProblem)
        {
            throw RunFolderException.About(Path, $"cannot be resumed: its {LockFileName} {lockProblem}, where the run's lock, an empty file, belongs; remove it (rm -r {ShellWord.Quote(System.IO.Path.Combine(Path, LockFileName))}) and resume again");
        }

        try
        {
            Directory.CreateDirectory(Path);
            _lock = OpenLock();
            Identity = FileIdentity.Of(Path);
        }
        catch (IOException) when (Continues && IsLive(Path))
        {
            throw RunFolderException.About(Path, "is still training in another process; wait for it or stop it before resuming it", noun: "the run in");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RunFolderException.About(Path, $"cannot be created: {FileSystemError.Reason(e)}; set Run:Directory to a writable folder");
        }
    }

    /// <summary>
    /// False once the folder this process claimed was removed, moved away or replaced (its <c>.lock</c> is gone or is another
    /// file): then nothing may be written there, or the writers would rebuild it in part, without its log, configuration
    /// and lock. True before <see cref="Claim()"/>.
    /// </summary>
    public bool IsIntact => _lock is null || FileIdentity.Same(_lock.SafeFileHandle, System.IO.Path.Combine(Path, LockFileName));

    /// <summary>
    /// Stops the run when its folder was removed, moved or replaced while it trained: the writers would otherwise create it
    /// again in part (history, reports, checkpoints), without its configuration, the rest of its log or its lock, and report
    /// success. What is kept instead is said by the run's <see cref="RescuePoint"/>.
    /// </summary>
    /// <param name="outcome">What this means for the run: <see cref="TrainingStopped"/>, <see cref="ReportsNotWritten"/>.</param>
    /// <exception cref="RunOutputException">The folder is gone or is another folder now (exit 8).</exception>
    public void ThrowIfNotIntact(string outcome)
    {
        if (!IsIntact)
        {
            throw Lost(outcome);
        }
    }

    /// <summary>The failure of a run whose folder went away: "The run folder … was removed, moved or replaced …; <paramref name="outcome"/>."</summary>
    public RunOutputException Lost(string outcome) => MovedTo() is { } moved
        ? new($"The run folder {Path} was moved to {moved} while the run trained in it; {outcome}.")
        : new($"The run folder {Path} was removed, moved or replaced while the run trained in it; {outcome}.");

    /// <summary>Where the folder this process claimed is now, when it was moved or renamed whole (its lock with it); else null.</summary>
    public string? MovedTo() =>
        _lock is not null && !IsIntact && FileIdentity.CurrentPath(_lock.SafeFileHandle) is { } lockFile
            ? System.IO.Path.GetDirectoryName(lockFile)
            : null;

    /// <summary>The outcome of a folder lost while training: nothing more is written there.</summary>
    public const string TrainingStopped = "training stopped without writing into it again";

    /// <summary>The outcome of a folder lost while the reports were written, after the last epoch.</summary>
    public const string ReportsNotWritten = "training had finished, but its reports were not written there";

    /// <summary>True when <paramref name="path"/> (a full path) lies inside this folder.</summary>
    public bool Contains(string path) => path.StartsWith(Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // A lock that is no file (a folder, a pipe, a link to nowhere, left by hand or by a tool) is held by no one as far as
    // the dashboard and other resumes can tell, so the live run would pass for a lost one; it is never the run's own.
    private string? LockProblem() => FileKinds.NotAFile(System.IO.Path.Combine(Path, LockFileName));

    // A resumed run's lock is also taken for a moment by whoever asks whether the run is live (the dashboard's runs list,
    // another resume choosing a run): a few short retries tell that moment from a process training there.
    private FileStream OpenLock()
    {
        string file = System.IO.Path.Combine(Path, LockFileName);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return new FileStream(file, Continues ? FileMode.OpenOrCreate : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Continues && attempt < LockAttempts && File.Exists(file))
            {
                Thread.Sleep(25);
            }
        }
    }

    private const int LockAttempts = 10;

    /// <summary>True when a process holds the lock of the run in <paramref name="folder"/>, i.e. is training there now.</summary>
    public static bool IsLive(string folder) => RunLock.IsHeld(folder);

    /// <summary>Releases the lock; the folder and its files stay.</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
