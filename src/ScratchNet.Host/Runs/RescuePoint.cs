using ScratchNet.Data;
using ScratchNet.Files;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Host.Runs;

/// <summary>
/// What of a run survives when it stops on a failed write or a lost run folder, and how to go on from it. The network in
/// memory holds more than the last resume point (checkpoints may be off, written every few epochs, or inside the folder
/// that is gone), so it is written as a resume point to the temp folder (<c>scratchnet-ID-ckpt-e0005-b000000.ckpt</c>),
/// where <c>train --resume</c> continues it in a new run folder. Not after divergence (the weights are not finite), not
/// once the model is saved, and not when the run's checkpoint folder already holds this very point.
/// </summary>
public sealed class RescuePoint(TrainingRun run, ConfigurationFingerprint fingerprint, ModelSaver saver) : ITrainingCallback
{
    private string? _kept;
    private string? _lastWritten;
    private (string Path, string Reason)? _failure;
    private (int Epoch, int Batch) _position;
    private bool _finished;
    private bool _intact;

    /// <summary>The resume point written to the temp folder, or null.</summary>
    public string? Path { get; private set; }

    public void OnTrainFailed(TrainingContext context, Exception error)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (error is not (FileWriteException or RunOutputException) || saver.SavedPath is not null)
        {
            return;
        }

        // Read now: once the run ends, its folder is released and can no longer tell whether it is still its own.
        _intact = run.Folder.IsIntact;
        _kept = Surviving();
        _lastWritten = context.LastCheckpointPath;
        Checkpoint checkpoint = context.CaptureCheckpoint();
        _position = (checkpoint.Epoch, checkpoint.Batch);
        _finished = checkpoint.Epoch > context.Epochs;
        string name = CheckpointDirectory.ResumePointName(checkpoint.Epoch, checkpoint.Batch);
        if (_kept is not null && System.IO.Path.GetFileName(_kept) == name)
        {
            return;
        }

        fingerprint.Stamp(checkpoint, DatasetHash.Sha256(context.Dataset));
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"scratchnet-{run.Folder.Id}-{name}");
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
        if (saver.SavedPath is { } model)
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
            // Only where the run folder is still there is the older resume point worth naming: it keeps the run in one folder.
            string own = _kept is null || !_intact ? string.Empty : $"; or {ResumeCommand.For(_kept)} {then} in this run folder from its last resume point";
            return $"{at} is kept as a resume point: {fix}{ResumeCommand.For(Path)} {then} in a new run folder{own}.";
        }

        if (_kept is not null)
        {
            return $"The last resume point is kept: {fix}continue with: {ResumeCommand.For(_kept)}";
        }

        // Resume points written into a folder that is gone went with it; if it was moved, they are in its new place.
        bool inside = _lastWritten is not null && _lastWritten.StartsWith(run.Folder.Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
        string why = run.CheckpointFolder is null ? "checkpoints are off" : inside ? "its resume points were in the run folder" : "no resume point was saved yet";
        string moved = inside && write is null
            ? $" If the folder was moved rather than removed, its {System.IO.Path.GetRelativePath(run.Folder.Path, _lastWritten!)} continues with train --resume."
            : string.Empty;
        string failed = _failure is { } f ? $", and writing a resume point to {f.Path} failed too{(f.Reason == write?.Reason ? string.Empty : $" ({f.Reason})")}" : string.Empty;
        return $"Nothing of the training could be kept ({why}{failed}): {fix}train again.{moved}";
    }

    /// <summary>The newest resume point of a checkpoint folder that is still this run's: its folder intact, or outside it.</summary>
    private string? Surviving()
    {
        if (run.CheckpointFolder is not { } folder)
        {
            return null;
        }

        bool outside = !folder.StartsWith(run.Folder.Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return outside || run.Folder.IsIntact ? new CheckpointDirectory(folder, 1).Latest() : null;
    }
}
