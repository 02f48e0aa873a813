using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Data;
using ScratchNet.Data.Options;
using ScratchNet.Files;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Reports;
using ScratchNet.Host.Settings;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Options;
using ScratchNet.Training.Results;

namespace ScratchNet.Host.Runs;

/// <summary>
/// The bookkeeping around one <c>train</c>: check the checkpoint it resumes (nothing is written if that is refused),
/// check every output location before the first batch, claim the run folder, open its log, record the effective
/// configuration (config.json) and the session (run.json), and at the end record how it ended. A fresh run that stops
/// before training began (data that cannot be loaded, Model:Layers that do not fit the data, a stop signal before the
/// first batch) leaves no folder behind: there is nothing in it to keep or resume; a resumed one stays at the point it
/// resumed from. Training begins at its first batch (<see cref="TrainingStart"/>).
/// </summary>
public sealed partial class TrainingRun(
    RunFolder folder,
    RunLog log,
    ConfigurationFingerprint fingerprint,
    IOptions<CheckpointOptions> checkpoints,
    EffectiveConfiguration configuration,
    IDatasetProvider datasets,
    IOptions<DataOptions> data,
    ILogger<TrainingRun> logger,
    TrainingStart? start = null,
    IOptions<ReportsOptions>? reports = null) : ITrainingCallback
{
    private RunStatus? _status;
    private bool _created;
    private IReadOnlyList<string> _made = [];
    private readonly TrainingStart _start = start ?? new TrainingStart();

    // Read at the end for the resume point the session left (a checkpoint, or a rescue in the temp folder).
    private TrainingContext? _context;

    public RunFolder Folder => folder;

    /// <summary>This run's checkpoint folder once <see cref="BeginAsync"/> ran; null when checkpoints are off.</summary>
    public string? CheckpointFolder { get; private set; }

    /// <summary>Prepares the run; throws before anything is written when the resume or an output location is wrong.</summary>
    /// <returns>The checkpoint to continue, or null for a fresh run.</returns>
    /// <exception cref="CheckpointException">The resume checkpoint is missing, damaged, written under other settings or trained on other data.</exception>
    /// <exception cref="RunFolderException">Run:Directory or Checkpoints:Directory cannot be written, or another process trains in the run.</exception>
    public async Task<Checkpoint?> BeginAsync(CancellationToken cancellationToken = default)
    {
        Checkpoint? resume = ResumePoint.Load(folder, fingerprint, configuration.SourceOf);

        // The end of a finished run (its last point, or a best.ckpt written after its last epoch) holds nothing to train:
        // resuming it would only write its model and reports again. The file's name does not say so; its content does.
        if (resume is not null && folder.Continues && NothingLeftToTrain(resume) && RunStatus.TryRead(folder.Path) is { State: RunStatus.Finished })
        {
            throw new RunFolderException(RunFolderSelection.NothingToContinue(folder.Path));
        }

        if (resume is not null)
        {
            await CheckDataAsync(resume, cancellationToken).ConfigureAwait(false);
        }

        bool existed = Directory.Exists(folder.Path);
        string? checkpointFolder = string.IsNullOrWhiteSpace(checkpoints.Value.Directory) ? null : checkpoints.Value.Directory;

        // Folders this run is about to create around its own (runs/, a new Checkpoints:Directory's parents): a run that
        // ends before training removes them again if they are still empty.
        _made = [.. OutputFolder.Missing(Path.GetDirectoryName(folder.Path)!), .. checkpointFolder is null ? [] : OutputFolder.Missing(checkpointFolder)];
        folder.Claim(tensorBoard: reports?.Value.TensorBoard ?? true);
        RunStatus? before = RunStatus.TryRead(folder.Path);
        string? theirs = folder.Continues && before?.CheckpointFolderOf(folder.Path) is { } recorded && recorded != checkpointFolder
            && !folder.Contains(recorded) && !folder.OwnsCheckpoints(before, recorded) ? recorded : null;
        if (checkpointFolder is not null && OutputFolder.Probe(checkpointFolder, CheckpointDirectory.LongestFileName) is { } problem)
        {
            throw Refuse(checkpointFolder, existed, $"Checkpoints:Directory {problem}; set Checkpoints:Directory to a writable folder (relative paths are inside the run folder)");
        }

        if (checkpointFolder is not null && Unclaimed(checkpointFolder) is { } taken)
        {
            throw Refuse(checkpointFolder, existed, taken);
        }

        CheckpointFolder = checkpointFolder;
        _created = !existed;
        log.Open(folder.Path);
        string configFile = Path.Combine(folder.Path, EffectiveConfiguration.FileName);
        AtomicFile.WriteAllText(configFile, configuration.ToJson(folder.Continues && File.Exists(configFile) ? File.ReadAllText(configFile) : null, folder));
        _status = before ?? new RunStatus { Id = folder.Id };

        // The run's lock is this process's now, so a session still recorded as running was killed or crashed: it never
        // wrote its end, and left as "running" it would read as live for good.
        foreach (RunSession earlier in _status.Sessions.Where(s => s.State == RunStatus.Running))
        {
            earlier.State = RunStatus.Lost;
        }

        _status.State = RunStatus.Running;
        _status.Checkpoints = RunStatus.Record(folder.Path, checkpointFolder);
        _status.Sessions.Add(new RunSession
        {
            Started = DateTime.UtcNow,
            ResumedFrom = folder.ResumeCheckpoint,
            ProcessId = Environment.ProcessId,
            Version = RunRecord.CodeVersion,
            Arguments = [.. Environment.GetCommandLineArgs().Skip(1)],
            Machine = Environment.MachineName,
            Processors = Environment.ProcessorCount,
        });
        _status.Write(folder.Path);
        LogRun(logger, folder.Id, folder.Path, folder.Continues ? "continues" : "starts");
        if (theirs is not null && checkpointFolder is not null)
        {
            LogCopy(logger, theirs, checkpointFolder);
        }

        if (folder.GoneNewer is { } gone)
        {
            LogGoneNewer(logger, gone, folder.ResumeCheckpoint!);
        }

        if (folder.SkippedRescue is { } skipped)
        {
            LogSkippedRescue(logger, skipped.Rescue, skipped.KeptFor, folder.ResumeCheckpoint!);
        }

        if (folder.AheadOfRecord is { } epochs)
        {
            LogAheadOfRecord(logger, epochs, folder.ResumeCheckpoint!);
        }

        // A checkpoint resumed outside its own run folder: say why, so a run moved out of sight is not split without a word.
        if (folder is { Continues: false, ResumeCheckpoint: { } orphan })
        {
            string runs = Path.GetDirectoryName(folder.Path)!;
            if (folder.LeftBy is { } former)
            {
                LogLeftBy(logger, orphan, former);
            }
            else if (folder.RescuedFor is { } name)
            {
                LogRescuedFor(logger, orphan, name, runs);
            }
            else if (Path.GetDirectoryName(orphan) is { } points && Path.GetFileName(points) == new CheckpointOptions().Directory
                && Path.GetDirectoryName(points) is { } own && RunStatus.Problem(own) is { } damage)
            {
                // In a run folder's own checkpoints, but one whose run.json is missing or damaged, which cannot be
                // continued in place: "train --resume RUN-FOLDER" was no way on there.
                LogUnreadableRunFolder(logger, orphan, own, damage, ShellWord.Quote(folder.Path));
            }
            else
            {
                LogNoRunFolder(logger, orphan, runs);
            }
        }

        if (resume is not null && folder.Continues && checkpointFolder is not null)
        {
            SetAsideLaterResumePoints(checkpointFolder, resume);
        }
        return resume;
    }

    // Past the last epoch, or stopped early: a resume would go straight to the end.
    private static bool NothingLeftToTrain(Checkpoint checkpoint) =>
        (checkpoint.Scalars.TryGetValue("early.stopped", out double stopped) && stopped == 1)
        || (checkpoint.Batch == 0 && checkpoint.Settings.TryGetValue("Training:Epochs", out string? epochs)
            && int.TryParse(epochs, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int last) && checkpoint.Epoch > last);

    // Releases the folder, and removes what this run made of it and around it, before the refusal.
    private RunFolderException Refuse(string checkpointFolder, bool existed, string why)
    {
        folder.Dispose();
        if (!existed)
        {
            // The checkpoint folder first: by default it is inside the run folder, which is then empty too.
            TryRemoveEmpty(checkpointFolder);
            TryRemoveEmpty(folder.Path);
            RemoveMadeFolders();
        }

        return new RunFolderException(why);
    }

    // A checkpoint folder outside the run folder is marked as this run's, so a copy of the run folder keeps off it; null
    // when it is, else why not.
    private string? Unclaimed(string checkpointFolder)
    {
        if (folder.Contains(checkpointFolder))
        {
            return null;
        }

        try
        {
            return CheckpointFolderOwner.Claim(checkpointFolder, folder.Path)
                ? null
                : $"{ShownName.Of(checkpointFolder)} was taken a moment ago by another run (a copy of this one resumed beside it); resume this one again, and it takes a folder of its own";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FileWriteException)
        {
            return $"{ShownName.Of(checkpointFolder)} cannot be marked as this run's: {e.Message}";
        }
    }

    /// <summary>
    /// Refuses a resume on data other than the checkpoint's, before the run folder is touched. The data is loaded here
    /// for that (the trainer then gets the same rows from the <see cref="LoadOnceDatasetProvider"/>); a checkpoint of
    /// format version 3 or older records no data, so that resume goes on unchecked, as before, with one line saying so.
    /// </summary>
    private async Task CheckDataAsync(Checkpoint resume, CancellationToken cancellationToken)
    {
        string path = folder.ResumeCheckpoint!;
        string location = ResumePoint.DataLocation(data.Value);
        if (resume.DatasetSha256.Length == 0)
        {
            LogDataUnchecked(logger, path, location);
            return;
        }

        Dataset loaded = await datasets.LoadAsync(cancellationToken).ConfigureAwait(false);
        ResumePoint.CheckData(path, resume, loaded, location);
    }

    /// <summary>True once every epoch ran and the reports and the model are being written.</summary>
    public bool TrainingEnded { get; private set; }

    /// <summary>
    /// True once the last batch of the last epoch has run: a stop then comes too late to interrupt anything, and training
    /// ends as it would have (the last evaluation, the model, the reports).
    /// </summary>
    public bool LastBatchRun { get; private set; }

    public void OnBatchEnd(TrainingContext context, int epoch, int batch, float loss) =>
        LastBatchRun = epoch == context.Epochs && batch == context.BatchesPerEpoch - 1;

    /// <summary>Whether training has begun (its first batch); before that a stop leaves the run as it was.</summary>
    public bool TrainingBegan => _start.HasBegun;

    public void OnTrainBegin(TrainingContext context) => _context = context;

    // This callback runs before every other but the epoch's log line, so each check comes before the epoch's, the
    // interruption's or the end's writes.
    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => folder.ThrowIfNotIntact(RunFolder.TrainingStopped);

    public void OnInterrupted(TrainingContext context, int epoch, int batch) => folder.ThrowIfNotIntact(RunFolder.TrainingStopped);

    public void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        folder.ThrowIfNotIntact("training finished, but its model and reports were not written there");
        TrainingEnded = true;
    }

    /// <summary>
    /// Records how the session ended and releases the run folder; removes the folder (and its checkpoint folder) when
    /// this run created it and training never began.
    /// </summary>
    public void End(string state)
    {
        if (!folder.IsIntact)
        {
            // Whatever is at that path now is not this run's folder: nothing is recorded, created or removed there. A folder
            // moved whole is still the run's, so its run.json says how the session ended rather than "running".
            if (_status is not null && folder.MovedTo() is { } moved)
            {
                // A checkpoint folder beside the runs (../ck) moved with them when the runs folder was renamed.
                _status.Checkpoints = RunStatus.Record(moved, _status.CheckpointFolderOf(moved));
                Record(state, moved);
            }

            folder.Dispose();
            return;
        }

        if (_status is not null && _created && !TrainingBegan)
        {
            log.Dispose();
            folder.Dispose();
            TryRemove(folder.Path);
            if (CheckpointFolder is not null)
            {
                TryRemoveEmpty(CheckpointFolder);
            }

            RemoveMadeFolders();
            LogRemoved(logger, folder.Path);
            return;
        }

        if (_status is not null)
        {
            Record(state, folder.Path);
        }

        folder.Dispose();
    }

    private void Record(string state, string where)
    {
        RunSession session = _status!.Sessions[^1];
        session.Ended = DateTime.UtcNow;
        session.State = state;
        // Stopped before its first batch, the session left the point it resumed from, unchanged.
        session.ResumePoint = _context?.LastCheckpointPath ?? (TrainingBegan ? null : folder.ResumeCheckpoint);
        _status.State = state;
        try
        {
            _status.Write(where);
        }
        catch (FileWriteException e)
        {
            // The run's outcome is already decided; a status that cannot be written leaves it "running", which
            // --resume treats as interrupted once this process is gone.
            LogStatusFailed(logger, e.Message);
        }
    }

    // A resume from an earlier point than the run's newest leaves the branch those later points continue.
    private void SetAsideLaterResumePoints(string checkpointFolder, Checkpoint resume)
    {
        try
        {
            IReadOnlyList<string> moved = new CheckpointDirectory(checkpointFolder, 1).SetAsidePast(resume.Epoch, resume.Batch);
            if (moved.Count > 0)
            {
                LogSetAside(logger, Path.GetFileName(folder.ResumeCheckpoint!), string.Join(", ", moved.Select(Path.GetFileName)));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only tidiness with a purpose: the next --resume alone may then pick a later point of the other branch.
            LogSetAsideFailed(logger, e.Message);
        }
    }

    private static void TryRemove(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only tidiness: the folder holds no training, and run.json says it failed.
        }
    }

    private void RemoveMadeFolders()
    {
        foreach (string made in _made.Distinct().OrderByDescending(p => p.Length))
        {
            try
            {
                // Not recursive: another run started beside this one may have put its own folder in runs/ meanwhile.
                Directory.Delete(made);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not empty, or gone: either way nothing of this run's is left in it.
            }
        }
    }

    private static void TryRemoveEmpty(string path)
    {
        try
        {
            if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any(e => Path.GetFileName(e) is not (RunFolder.LockFileName or CheckpointFolderOwner.FileName)))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only tidiness: an empty folder left behind is harmless.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Checkpoint} was written before checkpoints recorded their data: whether the data in {Data} is the data it trained on cannot be checked; resuming without that check")]
    private static partial void LogDataUnchecked(ILogger logger, string checkpoint, string data);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} {Action} in {RunFolder}")]
    private static partial void LogRun(ILogger logger, string runId, string runFolder, string action);

    [LoggerMessage(Level = LogLevel.Information, Message = "Set aside the resume points past {Resumed}, which continue the branch of the run this resume leaves, so that --resume picks this one's: {Files}")]
    private static partial void LogSetAside(ILogger logger, string resumed, string files);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not set aside the resume points past the one resumed ({Reason}); --resume alone may pick one of them: give the file to resume instead")]
    private static partial void LogSetAsideFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "This run folder is a copy of the one whose checkpoints are in {Theirs}, which stay that run's: this run's go to {CheckpointFolder}")]
    private static partial void LogCopy(ILogger logger, string theirs, string checkpointFolder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The run's last session left a newer resume point, {Gone}, which is gone (the temp folder is cleared at reboot); resuming from {ResumePoint} redoes the training between them")]
    private static partial void LogGoneNewer(ILogger logger, string gone, string resumePoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {Rescue}, a newer rescue of this run's name that was kept for another folder, {KeptFor} (a copy of this run folder, or the one it was copied from): this run continues from its own newest point, {ResumePoint}")]
    private static partial void LogSkippedRescue(ILogger logger, string rescue, string keptFor, string resumePoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This run folder's own record ends earlier (its history.csv at epoch {Epochs}) than the run's newest resume point, {ResumePoint}, which its checkpoint folder kept (its history.csv damaged or emptied, or the folder's content restored from an older backup?): the resume skips ahead to it, and the history from there is the checkpoint's; to go back to where the folder's record ends, give an earlier point that is still there: train --resume FILE")]
    private static partial void LogAheadOfRecord(ILogger logger, int epochs, string resumePoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Checkpoint} belongs to the run that was in {FormerFolder}, moved or removed since: it continues in this new run folder (if that run was moved, stop this one and continue it in its own folder instead: train --resume NEW-PLACE)")]
    private static partial void LogLeftBy(ILogger logger, string checkpoint, string formerFolder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Checkpoint} was kept for the run in a folder named {FolderName}, which is not in {RunDirectory} or does not record it as its own (moved, removed, or a copy's): it continues in this new run folder (if that run was moved, stop this one and continue it in its own folder instead: train --resume NEW-PLACE)")]
    private static partial void LogRescuedFor(ILogger logger, string checkpoint, string folderName, string runDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Checkpoint} belongs to no run folder found (none holds it or, in {RunDirectory}, records it as its own): it continues in this new run folder (to continue its run in its own folder instead, stop this one and train --resume RUN-FOLDER)")]
    private static partial void LogNoRunFolder(ILogger logger, string checkpoint, string runDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Checkpoint} is a resume point of the run in {RunFolder}, whose run.json {Problem}, so that run cannot be continued in its own folder: it continues in this new run folder, and train --resume {NewRunFolder} continues this one if it stops")]
    private static partial void LogUnreadableRunFolder(ILogger logger, string checkpoint, string runFolder, string problem, string newRunFolder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the run folder {RunFolder} again: training never began")]
    private static partial void LogRemoved(ILogger logger, string runFolder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record how the run ended: {Reason}")]
    private static partial void LogStatusFailed(ILogger logger, string reason);
}
