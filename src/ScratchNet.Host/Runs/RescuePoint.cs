using System.Globalization;
using System.Text.RegularExpressions;
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
/// (<c>scratchnet-ID-ckpt-e0005-b000000.ckpt</c>), and the run's run.json records it, so <c>train --resume RUN-FOLDER</c>
/// continues the run from it in its own folder while that is there (or where it was moved to), else the file in a new one. Not after divergence (the weights are not finite),
/// not once the model is saved where it still is, and not when the run's checkpoint folder already holds this very point.
/// </summary>
public sealed partial class RescuePoint(TrainingRun run, ConfigurationFingerprint fingerprint, ModelSaver saver) : ITrainingCallback
{
    private string? _kept;
    private string? _lastWritten;
    private (string Path, string Reason)? _failure;
    private (int Epoch, int Batch) _position;
    private bool _finished;
    private bool _intact = true;
    private bool _notBegun;

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

        // A new run that has not trained a batch holds nothing a new start would not make again, and its folder is removed
        // as it ends (TrainingRun): a resume point kept for it would promise a folder that is gone.
        if (!run.TrainingBegan && !run.Folder.Continues)
        {
            _notBegun = true;
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
        if (run.CheckpointFolder is null && run.Folder.IsIntact && context.StepsThisSession > 0)
        {
            Save(context, context.CaptureCheckpoint());
        }
    }

    /// <summary><c>scratchnet-20261126-205120-26573760-ckpt-e0005-b000000.ckpt</c>: the run's id, then the resume point's name.</summary>
    public static string FileName(string runId, int epoch, int batch) => Named(runId, CheckpointDirectory.ResumePointName(epoch, batch));

    /// <summary>Where a file of run <paramref name="runId"/> that its folder cannot take is kept: <c>$TMPDIR/scratchnet-ID-NAME</c>.</summary>
    public static string InTempFolder(string runId, string name) => System.IO.Path.Combine(System.IO.Path.GetTempPath(), Named(runId, name));

    /// <summary>The name of the folder of the run whose rescue <paramref name="fileName"/> is (its id, unless the folder was renamed), or null when it is none.</summary>
    public static string? FolderName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        Match match = RescueName().Match(fileName);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>The rescues in the temp folder of the run in the folder named <paramref name="folderName"/> (or of another of that name).</summary>
    public static IReadOnlyList<string> Of(string folderName)
    {
        ArgumentException.ThrowIfNullOrEmpty(folderName);
        try
        {
            return [.. Directory.EnumerateFiles(System.IO.Path.GetTempPath(), Named(folderName, "ckpt-e*-b*.ckpt")).Where(f => FolderName(System.IO.Path.GetFileName(f)) == folderName)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    [GeneratedRegex(@"^scratchnet-(.+)-ckpt-e[0-9]+-b[0-9]+(?:-[0-9]+)?\.ckpt$")]
    private static partial Regex RescueName();

    private const string Prefix = "scratchnet-";

    // scratchnet-ID-NAME: every file of a run kept in the temp folder, and the patterns that find them.
    private static string Named(string runId, string name) => $"{Prefix}{runId}-{name}";

    private void Save(TrainingContext context, Checkpoint checkpoint)
    {
        fingerprint.Stamp(checkpoint, DatasetHash.Sha256(context.Dataset));
        string name = System.IO.Path.GetFileNameWithoutExtension(CheckpointDirectory.ResumePointName(checkpoint.Epoch, checkpoint.Batch));
        string path = InTempFolder(run.Folder.Id, $"{name}.ckpt");

        // A copy of this run folder, or a run of the same name in another runs folder, may have left one of this name.
        for (int n = 2; File.Exists(path); n++)
        {
            path = InTempFolder(run.Folder.Id, string.Create(CultureInfo.InvariantCulture, $"{name}-{n}.ckpt"));
        }

        try
        {
            CheckpointFile.Save(path, checkpoint);

            // Whose it is, for a resume that finds it unrecorded (this session killed before run.json said what it left):
            // a copy of this folder, of the same name, must not take it, nor this folder a copy's.
            RescueOwner.Write(path, run.Folder.Identity, run.Folder.MovedTo() ?? run.Folder.Path);
            Path = path;

            // What this session left, for run.json: --resume continues from it.
            context.LastCheckpointPath = path;
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

        if (_notBegun)
        {
            return $"Training had not begun, so nothing was lost: {fix}train again.";
        }

        string at = _finished ? "The trained network" : $"The network as it stood (epoch {_position.Epoch}, batch {_position.Batch})";
        string then = _finished ? "writes its model and reports" : "continues";
        if (Path is not null)
        {
            // The run's run.json records the rescue as what this session left (TrainingRun), so a resume of the run folder,
            // where it is or where it was moved to, continues from it there; only a folder that is gone needs a new one.
            if (_intact)
            {
                return $"{at} is kept as a resume point ({Path}): {fix}{ResumeCommand.For(run.Folder.Path)} {then} from it in this run's folder.";
            }

            return run.Folder.MovedTo() is { } whereNow
                ? $"{at} is kept as a resume point ({Path}): {ResumeCommand.For(whereNow)} {then} from it in the run's folder where it is now."
                : $"{at} is kept as a resume point: {ResumeCommand.For(Path)}{CheckpointsArgument()} {then} in a new run folder (if the folder was moved to another file system, train --resume NEW-PLACE {then} there instead).";
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
            return $"Its resume points moved with it: {ResumeCommand.For(place)} continues from the newest in the run's folder where it is now.";
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
        return setting is null ? string.Empty : $" {ShellWord.Quote($"--Checkpoints:Directory={setting}")}";
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
