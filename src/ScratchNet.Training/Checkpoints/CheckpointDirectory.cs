using System.Globalization;
using System.Text.RegularExpressions;
using ScratchNet.Files;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// The files of one checkpoint folder: resume points named <c>ckpt-e0004-b000000.ckpt</c> (the epoch
/// and batch they continue at; written periodically and on Ctrl+C, the newest <see cref="KeepLast"/> kept)
/// and <c>best.ckpt</c>. Every file is written atomically, through <c>NAME.PID.tmp</c>; a process killed while
/// writing leaves that temporary behind, and the next save here deletes it once its process is gone.
/// </summary>
public sealed partial class CheckpointDirectory
{
    public const string BestFileName = "best.ckpt";

    /// <summary>The longest name a checkpoint here can have (a resume point at the largest epoch and batch), for the start-up write probe.</summary>
    public static readonly int LongestFileName = ResumePointName(int.MaxValue, int.MaxValue).Length;

    private const string ResumePattern = "ckpt-e*-b*.ckpt";

    public CheckpointDirectory(string path, int keepLast)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keepLast);
        Path = System.IO.Path.GetFullPath(path);
        KeepLast = keepLast;
    }

    // Set once a save has found or made the folder: later saves never make it again, so a run folder removed or moved
    // while training is not rebuilt in part around a checkpoint (the save fails instead, and the run says the folder went).
    private bool _folderMade;

    public string Path { get; }

    public int KeepLast { get; }

    public string BestPath => System.IO.Path.Combine(Path, BestFileName);

    /// <summary>Writes a resume point and deletes all but the newest <see cref="KeepLast"/>.</summary>
    /// <returns>The file written.</returns>
    public string SaveResumePoint(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string file = System.IO.Path.Combine(Path, ResumePointName(checkpoint.Epoch, checkpoint.Batch));
        Save(file, checkpoint);
        foreach (string old in ResumePoints().Skip(KeepLast))
        {
            File.Delete(old);
        }

        DeleteAbandonedTemporaries();
        return file;
    }

    public string SaveBest(Checkpoint checkpoint)
    {
        Save(BestPath, checkpoint);
        DeleteAbandonedTemporaries();
        return BestPath;
    }

    private void Save(string file, Checkpoint checkpoint)
    {
        CheckpointFile.Save(file, checkpoint, createFolder: !_folderMade);
        _folderMade = true;
    }

    /// <summary>
    /// Deletes <c>*.ckpt.PID.tmp</c> files whose writing process no longer runs. A temporary of a live process
    /// (this one, or another run writing here) is left alone: it may be in the middle of a save.
    /// </summary>
    /// <returns>The files deleted.</returns>
    public IReadOnlyList<string> DeleteAbandonedTemporaries() => AtomicFile.DeleteAbandonedTemporaries(Path, "*.ckpt");

    /// <summary>
    /// Renames the resume points past <paramref name="epoch"/>, <paramref name="batch"/> to <c>superseded-ckpt-….ckpt</c>, for a
    /// run resumed from an earlier point than its newest: they continue the branch the resume leaves, and left as they are
    /// the newest of them would be what <c>--resume</c> alone picks, and would outlive this session's under KeepLast.
    /// </summary>
    /// <returns>The new names.</returns>
    public IReadOnlyList<string> SetAsidePast(int epoch, int batch)
    {
        string from = ResumePointName(epoch, batch);
        var moved = new List<string>();
        foreach (string later in ResumePoints().Where(p => string.CompareOrdinal(System.IO.Path.GetFileName(p), from) > 0).ToList())
        {
            // A branch set aside before may have left a point of the same name: each keeps its own (…-2, …-3).
            string name = System.IO.Path.GetFileNameWithoutExtension(later);
            string target = System.IO.Path.Combine(Path, $"{SupersededPrefix}{name}.ckpt");
            for (int n = 2; File.Exists(target); n++)
            {
                target = System.IO.Path.Combine(Path, string.Create(CultureInfo.InvariantCulture, $"{SupersededPrefix}{name}-{n}.ckpt"));
            }

            File.Move(later, target);
            moved.Add(target);
        }

        return moved;
    }

    /// <summary>The prefix <see cref="SetAsidePast"/> gives the resume points it sets aside.</summary>
    public const string SupersededPrefix = "superseded-";

    /// <summary>The resume points <see cref="SetAsidePast"/> set aside here (<c>superseded-ckpt-….ckpt</c>), in no particular order.</summary>
    public IEnumerable<string> SupersededPoints() =>
        Directory.Exists(Path) ? Directory.EnumerateFiles(Path, $"{SupersededPrefix}{ResumePattern}") : [];

    /// <summary>The newest resume point, or null when there is none.</summary>
    public string? Latest() => ResumePoints().FirstOrDefault();

    /// <summary>Resume points, newest first (by position in training: the names sort by epoch and batch).</summary>
    public IEnumerable<string> ResumePoints() =>
        Directory.Exists(Path)
            ? Directory.EnumerateFiles(Path, ResumePattern).OrderByDescending(f => System.IO.Path.GetFileName(f), StringComparer.Ordinal)
            : [];

    /// <summary>
    /// The epoch and batch a resume point continues at, read from its name (<c>ckpt-e0004-b000120.ckpt</c>, or a rescue's
    /// <c>scratchnet-ID-ckpt-e0004-b000120.ckpt</c>); null for a name that does not say (<c>best.ckpt</c>, a renamed copy).
    /// </summary>
    public static (int Epoch, int Batch)? PositionOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Match match = PositionPattern().Match(System.IO.Path.GetFileName(path));
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int epoch)
            && int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int batch)
            ? (epoch, batch)
            : null;
    }

    // A second point of one name, kept beside the first, ends in -2, -3 (see SetAsidePast and the host's rescues).
    [GeneratedRegex(@"ckpt-e([0-9]+)-b([0-9]+)(?:-[0-9]+)?\.ckpt$")]
    private static partial Regex PositionPattern();

    /// <summary>The name of the resume point that continues at <paramref name="epoch"/>, <paramref name="batch"/>: <c>ckpt-e0004-b000000.ckpt</c>.</summary>
    public static string ResumePointName(int epoch, int batch) => string.Create(CultureInfo.InvariantCulture, $"ckpt-e{epoch:D4}-b{batch:D6}.ckpt");
}
