using ScratchNet.Data;
using ScratchNet.Files;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Options;

namespace ScratchNet.Host.Runs;

/// <summary>
/// What of a run survives when it stops on a failed write, a lost run folder or (checkpoints off) Ctrl+C, and how to go on
/// from it. The network in memory holds more than the last resume point (checkpoints may be off, written every few epochs,
/// or inside the folder that is gone), so it is written as a resume point to the temp folder
/// (<c>scratchnet-ID-ckpt-e0005-b000000.ckpt</c>), where <c>train --resume</c> continues the run in its own folder while
/// that is there (RunCatalog finds it by the id), else in a new one. Not after divergence (the weights are not finite),
/// not once the model is saved where it still is, and not when the run's checkpoint folder already holds this very point.
/// </summary>
public sealed class RescuePoint(TrainingRun run, ConfigurationFingerprint fingerprint, ModelSaver saver) : ITrainingCallback
{
    private string? _kept;
    private string? _lastWritten;
    private (string Path, string Reason)? _failure;
    private (int Epoch, int Batch) _position;
    private bool _finished;
    private bool _intact = true;

    // A model saved into the run folder went with it if the folder went (during the reports, say).
    private bool ModelKept => saver.SavedPath is { } model && (model != saver.ModelPath || _intact);

    /// <summary>The resume point written to the temp folder, or null.</summary>
    public string? Path { get; private set; }

    public void OnTrainFailed(TrainingContext context, Exception error)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Read now: once the run ends, its folder is released and can no longer tell whether it is still its own.
        _intact = run.Folder.IsIntact;
        if (error is not (FileWriteException or RunOutputException) || ModelKept)
        {
            return;
        }

        _kept = Surviving();
        _lastWritten = context.LastCheckpointPath;
        Checkpoint checkpoint = context.CaptureCheckpoint();
        _position = (checkpoint.Epoch, checkpoint.Batch);
        _finished = checkpoint.Epoch > context.Epochs;
        if (_kept is not null && System.IO.Path.GetFileName(_kept) == CheckpointDirectory.ResumePointName(checkpoint.Epoch, checkpoint.Batch))
        {
            return;
        }

        Save(context, checkpoint);
    }

    /// <summary>Ctrl+C with checkpoints off: the network would be dropped with the process, so it is kept as a rescue is.</summary>
    public void OnInterrupted(TrainingContext context, int epoch, int batch)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (run.CheckpointFolder is null && run.Folder.IsIntact)
        {
            Save(context, context.CaptureCheckpoint());
            context.LastCheckpointPath = Path;
        }
    }

    /// <summary><c>scratchnet-20261126-205120-26573760-ckpt-e0005-b000000.ckpt</c>: the run's id, then the resume point's name.</summary>
    public static string FileName(string runId, int epoch, int batch) => Named(runId, CheckpointDirectory.ResumePointName(epoch, batch));

    /// <summary>Where a file of run <paramref name="runId"/> that its folder cannot take is kept: <c>$TMPDIR/scratchnet-ID-NAME</c>.</summary>
    public static string InTempFolder(string runId, string name) => System.IO.Path.Combine(System.IO.Path.GetTempPath(), Named(runId, name));

    /// <summary>The id of the run whose rescue <paramref name="fileName"/> is, or null when it is none.</summary>
    public static string? RunId(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        string rest = fileName[Prefix.Length..];
        int end = rest.IndexOf("-ckpt-", StringComparison.Ordinal);
        return end > 0 && RunFolder.IsId(rest[..end]) ? rest[..end] : null;
    }

    /// <summary>The newest rescue of run <paramref name="runId"/> in the temp folder, or null.</summary>
    public static string? Latest(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        try
        {
            // The names sort by epoch and batch, as resume points' do.
            return Directory.EnumerateFiles(System.IO.Path.GetTempPath(), Named(runId, "ckpt-e*-b*.ckpt"))
                .OrderByDescending(f => System.IO.Path.GetFileName(f), StringComparer.Ordinal).FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private const string Prefix = "scratchnet-";

    // scratchnet-ID-NAME: every file of a run kept in the temp folder, and the patterns that find them.
    private static string Named(string runId, string name) => $"{Prefix}{runId}-{name}";

    private void Save(TrainingContext context, Checkpoint checkpoint)
    {
        fingerprint.Stamp(checkpoint, DatasetHash.Sha256(context.Dataset));
        string path = InTempFolder(run.Folder.Id, CheckpointDirectory.ResumePointName(checkpoint.Epoch, checkpoint.Batch));
        try
        {
            CheckpointFile.Save(path, checkpoint);
            Path = path;
        }
        catch (FileWriteException e)
        {
            _failure = (path, e.Reason);
        }
    }

    /// <summary>
    /// The sentences that follow a failed write's or a lost folder's message: what is kept, what fixes the failure, and
    /// the command that goes on; or that nothing could be kept.
    /// </summary>
    public string Describe(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        FileWriteException? write = error as FileWriteException ?? error.InnerException as FileWriteException;
        string fix = write is null ? string.Empty : $"{write.Remedy}, then ";
        if (ModelKept && saver.SavedPath is { } model)
        {
            // The fallback model's own message already says where it went.
            if (model != saver.ModelPath)
            {
                return string.Empty;
            }

            string reports = Surviving() is { } last ? $", then {ResumeCommand.For(last)} writes the reports" : string.Empty;
            return $"Training had finished, and its model was saved before the reports; {write?.Remedy ?? FileWriteException.FreeSpace}{reports}.";
        }

        string at = _finished ? "The trained network" : $"The network as it stood (epoch {_position.Epoch}, batch {_position.Batch})";
        string then = _finished ? "writes its model and reports" : "continues";
        if (Path is not null)
        {
            // While the run folder is there, a resume of the rescue continues in it (RunCatalog finds it by the run's id).
            return _intact
                ? $"{at} is kept as a resume point: {fix}{ResumeCommand.For(Path)} {then} in this run's folder."
                : $"{at} is kept as a resume point: {ResumeCommand.For(Path)}{CheckpointsArgument()} {then} in a new run folder.";
        }

        if (_kept is not null)
        {
            // Say what the older point leaves out: the epochs since could not be written anywhere.
            string lost = _failure is { } missed
                ? $" (the network as it stood at epoch {_position.Epoch}, batch {_position.Batch} could not be kept: writing it to {missed.Path} failed too)"
                : string.Empty;
            return $"The last resume point is kept{lost}: {fix}continue with: {ResumeCommand.For(_kept)}";
        }

        // Resume points written into a folder that is gone went with it; if it was moved, they are in its new place.
        bool inside = _lastWritten is not null && run.Folder.Contains(_lastWritten);
        string why = run.CheckpointFolder is null ? "checkpoints are off" : inside ? "its resume points were in the run folder" : "no resume point was saved yet";
        string relative = inside ? System.IO.Path.GetRelativePath(run.Folder.Path, _lastWritten!) : string.Empty;
        if (inside && write is null && run.Folder.MovedTo() is { } place)
        {
            return $"Its resume points moved with it: {ResumeCommand.For(System.IO.Path.Combine(place, relative))} continues in a new run folder.";
        }

        string moved = inside && write is null
            ? $" If the folder was moved rather than removed, its {relative} continues with train --resume."
            : string.Empty;
        string failed = _failure is { } f ? $", and writing a resume point to {f.Path} failed too{(f.Reason == write?.Reason ? string.Empty : $": {f.Reason}")}" : string.Empty;
        return $"No copy of the training could be written ({why}{failed}); {fix}train again.{moved}";
    }

    /// <summary>
    /// The Checkpoints:Directory this run was given, for a resume in a new run folder, which would otherwise take the
    /// default: off (empty), a folder outside (the new run gets its own subfolder there), or another folder inside.
    /// </summary>
    private string CheckpointsArgument()
    {
        string? setting = run.CheckpointFolder switch
        {
            null => string.Empty,
            { } folder when !run.Folder.Contains(folder) => System.IO.Path.GetDirectoryName(folder),
            { } folder => System.IO.Path.GetRelativePath(run.Folder.Path, folder) is var inside && inside != new CheckpointOptions().Directory ? inside : null,
        };
        return setting is null ? string.Empty : $" {ResumeCommand.Quote($"--Checkpoints:Directory={setting}")}";
    }

    /// <summary>The newest resume point of a checkpoint folder that is still this run's: its folder intact, or outside it.</summary>
    private string? Surviving()
    {
        if (run.CheckpointFolder is not { } folder)
        {
            return null;
        }

        return !run.Folder.Contains(folder) || run.Folder.IsIntact ? new CheckpointDirectory(folder, 1).Latest() : null;
    }
}
