using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Options;
using ScratchNet.Training.Results;

namespace ScratchNet.Host.Runs;

/// <summary>
/// Checkpoints:KeepLast for the resume points a run's checkpoint folder does not prune by itself: those of branches a resume
/// left (<c>superseded-ckpt-….ckpt</c>) and the run's rescues in the temp folder (<c>scratchnet-ID-ckpt-….ckpt</c>, the ones
/// kept for its folder, <see cref="RescueOwner"/>, or without that record the ones its run.json names). Each goes once KeepLast of the run's resume points written after it are in place (each written to
/// its temporary, flushed to disk and renamed before it counts), so a kill at any moment leaves the run a newer point to
/// continue from; never the point the last session in run.json names as where the run goes on (what it left, or while it
/// trains or was killed, what it resumed from). Checked after each resume point this session writes, and once the session
/// has recorded how it ended. A run with checkpoints off keeps none once it has finished: its rescues go with the model saved.
/// </summary>
public sealed partial class ResumePointRetention(TrainingRun run, IOptions<CheckpointOptions> options, ILogger<ResumePointRetention> logger) : ITrainingCallback
{
    private string? _seen;
    private bool _pending;

    // Points set aside or rescued before this session: only these can go mid-session, so a run without any scans nothing per epoch.
    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _seen = context.LastCheckpointPath;
        _pending = Candidates(run.Folder.Path, run.CheckpointFolder).Count > 0;
    }

    // Registered after the checkpoint writer, so the resume point of this epoch is in place when this runs.
    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_pending || context.LastCheckpointPath is not { } newest || newest == _seen)
        {
            return;
        }

        _seen = newest;
        _pending = Tidy() > 0;
    }

    /// <summary>After the session recorded how it ended (<see cref="TrainingRun.End"/>): what its last resume point replaces.</summary>
    public void AfterSession()
    {
        if (run.Folder.IsIntact && Directory.Exists(run.Folder.Path))
        {
            Tidy();
        }
    }

    // Returns how many candidates are left.
    private int Tidy()
    {
        try
        {
            (IReadOnlyList<string> removed, int left, bool finished) = Prune(run.Folder.Path, run.CheckpointFolder, options.Value.KeepLast);
            if (removed.Count > 0 && finished)
            {
                LogRemovedAtFinish(logger, string.Join(", ", removed));
            }
            else if (removed.Count > 0)
            {
                LogRemoved(logger, options.Value.KeepLast, string.Join(", ", removed));
            }

            return left;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only tidiness: what could not be removed now is tried again after the next resume point.
            LogRemoveFailed(logger, e.Message);
            return 1;
        }
    }

    /// <summary>
    /// Removes the superseded points of <paramref name="checkpointFolder"/> and the rescues of the run in
    /// <paramref name="runFolder"/> that at least <paramref name="keepLast"/> of the run's resume points written since replace,
    /// sparing the one its run.json's last session names as where the run goes on.
    /// </summary>
    /// <returns>
    /// The files removed, how many candidates are left, and whether they went because the run finished with checkpoints off
    /// (then no newer point replaced them: they stood in for the resume points such a run keeps none of).
    /// </returns>
    public static (IReadOnlyList<string> Removed, int Left, bool RunFinished) Prune(string runFolder, string? checkpointFolder, int keepLast)
    {
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keepLast);
        RunStatus? status = RunStatus.TryRead(runFolder);
        IReadOnlyList<string> candidates = Candidates(runFolder, checkpointFolder, status);
        if (candidates.Count == 0)
        {
            return ([], 0, false);
        }

        // Checkpoints off keep no resume points: a rescue only stood in for them until the run finished and saved its model.
        if (status is { State: RunStatus.Finished } && checkpointFolder is null)
        {
            foreach (string rescue in candidates)
            {
                RescueOwner.Delete(rescue);
            }

            return (candidates, 0, true);
        }

        string? named = ContinuesFrom(status);
        IEnumerable<string> current = checkpointFolder is null ? [] : new CheckpointDirectory(checkpointFolder, 1).ResumePoints();
        var written = current.Concat(candidates).Distinct(StringComparer.Ordinal)
            .Select(p => (Path: p, Time: File.GetLastWriteTimeUtc(p))).Where(p => p.Time.Year > 1601).ToList();
        var removed = new List<string>();
        foreach (string candidate in candidates.Where(c => c != named))
        {
            DateTime time = File.GetLastWriteTimeUtc(candidate);
            if (written.Count(p => p.Path != candidate && p.Time > time && File.Exists(p.Path)) >= keepLast)
            {
                RescueOwner.Delete(candidate);
                removed.Add(candidate);
            }
        }

        return (removed, candidates.Count - removed.Count, false);
    }

    private static IReadOnlyList<string> Candidates(string runFolder, string? checkpointFolder) => Candidates(runFolder, checkpointFolder, RunStatus.TryRead(runFolder));

    // The points set aside in the run's checkpoint folder, and the rescues of its name kept for this folder: those its
    // sidecar says were (RescueOwner; also one a session killed before it recorded it left), and, where no sidecar says,
    // those its run.json names. A copy of the folder, or a run of the same name in another runs folder, writes rescues of
    // the same name, and a copy's run.json names the original's it was copied with: those are the other folder's to prune.
    private static IReadOnlyList<string> Candidates(string runFolder, string? checkpointFolder, RunStatus? status)
    {
        IEnumerable<string> superseded = checkpointFolder is null ? [] : new CheckpointDirectory(checkpointFolder, 1).SupersededPoints();
        if (status is null)
        {
            return [.. superseded];
        }

        var recorded = new HashSet<string>(status.Sessions.SelectMany(s => new[] { s.ResumePoint, s.ResumedFrom }).OfType<string>(), StringComparer.Ordinal);
        string name = Path.GetFileName(runFolder);
        IEnumerable<string> rescues = RescuePoint.Of(name).Concat(status.Id.Length == 0 || status.Id == name ? [] : RescuePoint.Of(status.Id))
            .Where(rescue => RescueOwner.Belongs(rescue, runFolder) ?? recorded.Contains(rescue));
        return [.. superseded.Concat(rescues).Distinct(StringComparer.Ordinal)];
    }

    // What --resume of this run folder would take from run.json: the point its last session left, else (a session still
    // training, or killed) the one it resumed from.
    private static string? ContinuesFrom(RunStatus? status) =>
        status is not { Sessions.Count: > 0 } ? null : status.Sessions[^1].ResumePoint is { } left && File.Exists(left) ? left : status.Sessions[^1].ResumedFrom;

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed resume points that {KeepLast} newer ones of the run replace (a branch a resume left, or a rescue in the temp folder): {Files}")]
    private static partial void LogRemoved(ILogger logger, int keepLast, string files);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the run's rescues from the temp folder, as it finished and saved its model (with checkpoints off it keeps no resume points): {Files}")]
    private static partial void LogRemovedAtFinish(ILogger logger, string files);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove resume points that newer ones replace ({Reason}); they stay until the next resume point is written")]
    private static partial void LogRemoveFailed(ILogger logger, string reason);
}
