using ScratchNet.Files;
using ScratchNet.Models;
using ScratchNet.Models.Native;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Host.Runs;

/// <summary>Which run folder under Run:Directory a <c>train</c> works in: a new one, or the one it resumes.</summary>
public static class RunFolderSelection
{
    /// <summary>The value of --resume (or Checkpoints:ResumeFrom) that means "the most recent interrupted run".</summary>
    public const string Latest = "latest";

    /// <summary>
    /// The folder of this <c>train</c>: a new one; or, when resuming, the folder of the run that wrote the checkpoint, so
    /// its history, log and checkpoints stay together. A checkpoint that belongs to no run folder (copied elsewhere)
    /// starts a new folder.
    /// </summary>
    /// <param name="root">Run:Directory.</param>
    /// <param name="resume">null for a fresh run, <see cref="Latest"/>, or a checkpoint file.</param>
    /// <param name="checkpointsSetting">Checkpoints:Directory as configured, to find a run's checkpoints.</param>
    /// <exception cref="CheckpointException">Nothing to resume, or the checkpoint file does not exist.</exception>
    public static RunFolder Select(string root, string? resume, string? checkpointsSetting, DateTime now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        string fullRoot = Path.GetFullPath(root);
        if (string.IsNullOrWhiteSpace(resume))
        {
            return new RunFolder(Path.Combine(fullRoot, RunFolder.NewId(now)));
        }

        if (string.Equals(resume, Latest, StringComparison.OrdinalIgnoreCase))
        {
            return Interrupted(fullRoot, checkpointsSetting).FirstOrDefault()
                ?? throw new CheckpointException($"there is no interrupted run to resume in {ShownName.Of(fullRoot)} (Run:Directory): every run there finished, diverged or is still training, or none saved a checkpoint; {UnreadableRuns(fullRoot, checkpointsSetting) ?? "give a file with --resume FILE"}") { NothingToResume = true };
        }

        if (RunAt(resume, checkpointsSetting) is { } run)
        {
            return run;
        }

        // A link to a run's checkpoint (or to its folder) continues that run where it lives, not in a new folder beside
        // the link: the run is found through the path as given, else through the real path behind the links.
        string file = Path.GetFullPath(resume);
        string? owner = Owner(file, fullRoot);
        if (owner is null && RealPath.Of(file) is var real && real != file && (File.Exists(real) || Directory.Exists(real)))
        {
            file = real;
            owner = Owner(file, fullRoot);
        }

        if (Directory.Exists(file))
        {
            string? newest = new CheckpointDirectory(file, 1).Latest();
            if (newest is not null && EndOfFinished(newest, Owner(newest, fullRoot) ?? CheckpointFolderOwner.Find(file, fullRoot)) is { } finished)
            {
                throw new RunFolderException(finished);
            }

            throw CheckpointException.About(file, $"is a folder, not a checkpoint; give a .ckpt file{(newest is null ? " (this folder holds none)" : $", e.g. its newest: --resume {ShellWord.Quote(newest)}")}, or --resume alone for the most recent interrupted run");
        }

        // A link left where a run folder or checkpoint was, which has moved on again since (or a loop of links).
        if (FileKinds.Of(file) == FileKind.Missing && FileKinds.BrokenLink(file) is { } broken)
        {
            throw new CheckpointException($"{broken}; give where the run folder or checkpoint is now (train --resume NEW-PLACE), or --resume alone for the most recent interrupted run");
        }

        if (!File.Exists(file))
        {
            throw CheckpointException.About(file, "does not exist; give the path of a .ckpt file, or --resume alone for the most recent interrupted run", noun: "the checkpoint");
        }

        // A device or a pipe, refused here with the missing file's wording, as a bare line before the run starts (read
        // later, it was a log line with a time and InputFile's capital).
        if (FileKinds.Of(file) is not (FileKind.Regular or FileKind.Unknown) and var kind)
        {
            throw new CheckpointException($"the checkpoint {file} {FileKinds.NotA(kind, "a regular file")}; give the path of a .ckpt file, or --resume alone for the most recent interrupted run");
        }

        // Else an outside checkpoint folder's run, moved or renamed since, is found by the identity its marker records.
        string points = Path.GetDirectoryName(file)!;
        string? moved = owner is null ? CheckpointFolderOwner.Find(points, fullRoot) : null;
        if (EndOfFinished(file, owner ?? moved) is { } ended)
        {
            throw new RunFolderException(ended);
        }

        if (owner is not null)
        {
            return new RunFolder(Followed(owner), file, continues: true);
        }

        if (moved is not null && RunStatus.TryRead(moved)?.CheckpointFolderOf(moved) is { } recorded
            && string.Equals(RealPath.Of(recorded), RealPath.Of(points), StringComparison.Ordinal))
        {
            return new RunFolder(moved, file, continues: true);
        }

        return new RunFolder(Path.Combine(fullRoot, RunFolder.NewId(now)), file)
        {
            LeftBy = moved is null ? CheckpointFolderOwner.MarkedPlace(points) : null,
            RescuedFor = RescuePoint.FolderName(Path.GetFileName(file)),
        };
    }

    /// <summary>
    /// The run that was last started or resumed, among those that did not finish or diverge, are not training now, and
    /// left a resume point; with the newest resume point in it.
    /// </summary>
    public static (string Folder, string Checkpoint)? LatestInterrupted(string root, string? checkpointsSetting) =>
        Interrupted(root, checkpointsSetting).Select(r => ((string Folder, string Checkpoint)?)(r.Path, r.ResumeCheckpoint!)).FirstOrDefault();

    /// <summary>
    /// <see cref="LatestInterrupted"/>, claimed for this process: when another process claims a run between the choice
    /// and the claim (several <c>train --resume</c> started at once over a sweep), the next most recent is taken, so each
    /// continues a different run. Null when none is left. A run whose folder cannot be claimed for another reason is
    /// returned unclaimed, and the claim at the start of training reports why.
    /// </summary>
    public static RunFolder? ClaimLatestInterrupted(string root, string? checkpointsSetting)
    {
        foreach (RunFolder candidate in Interrupted(Path.GetFullPath(root), checkpointsSetting))
        {
            try
            {
                candidate.Claim();
                return candidate;
            }
            catch (RunFolderException) when (RunFolder.IsLive(candidate.Path))
            {
                candidate.Dispose();
            }
            catch (RunFolderException)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// What <c>--resume PATH</c> names: PATH where it exists, else the run or file of that name in Run:Directory, so
    /// <c>--resume 20260101-120000-8f3a9c1e</c> (a run's id, as a run's log names it) finds <c>runs/20260101-…</c>.
    /// </summary>
    /// <exception cref="CheckpointException">PATH is a model file, which has no optimizer state or position to resume.</exception>
    public static string ResumeTarget(string resume, string? root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resume);
        string path = resume;
        if (!File.Exists(path) && !Directory.Exists(path) && !Path.IsPathRooted(path) && !string.IsNullOrWhiteSpace(root)
            && Path.Combine(root, path) is var inRuns && (File.Exists(inRuns) || Directory.Exists(inRuns)))
        {
            path = inRuns;
        }

        if (File.Exists(path) && IsModelFile(path))
        {
            // A run's model.snm sits beside its checkpoints, and is the file a user sees first. Each way on that is offered
            // must itself be taken: ONNX is not read back, and a finished run has nothing to continue.
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            RunStatus? status = folder is null ? null : RunStatus.TryRead(folder);
            string trainOn = ModelFile.FormatFromExtension(path) == ModelFormat.Onnx
                ? "it is an ONNX export, which ScratchNet does not read back; to train on from its weights give the .snm or .safetensors file it was exported from to --Model:InitFrom"
                : $"to train on from its weights use --Model:InitFrom={ShellWord.Quote(path)}";
            string continueRun = status is null ? string.Empty
                : status.State == RunStatus.Finished ? $"; its run in {ShellWord.Quote(folder!)} finished, so there is nothing to continue"
                : $", to continue its run give the run's folder, --resume {ShellWord.Quote(folder!)}";
            throw CheckpointException.About(path, "is a model file, not a checkpoint: it holds the weights but not the optimizer's state or the run's position; "
                + trainOn + continueRun);
        }

        return path;
    }

    // A regular file, by its extension (.snm, .safetensors, .onnx) or by the native format's first bytes under another name.
    private static bool IsModelFile(string path)
    {
        // A pipe or a device would block the read, or never end it: the checkpoint's reader refuses those by name.
        if (FileKinds.Of(path) != FileKind.Regular)
        {
            return false;
        }

        if (ModelFile.FormatFromExtension(path) is not null)
        {
            return true;
        }

        try
        {
            using FileStream stream = File.OpenRead(path);
            Span<byte> start = stackalloc byte[16];
            return NativeModelFormat.HasMagic(start[..stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left to the checkpoint's reader, which says why it cannot be read.
            return false;
        }
    }

    /// <summary>
    /// For <c>--resume RUN-FOLDER</c>: that run, continued in that folder (wherever it was moved or copied to) from its
    /// newest resume point, as <c>--resume</c> alone would were it the most recent; null when <paramref name="path"/> is
    /// no run folder.
    /// </summary>
    /// <exception cref="RunFolderException">The run finished or diverged: there is nothing to continue.</exception>
    /// <exception cref="CheckpointException">The run left no resume point.</exception>
    public static RunFolder? RunAt(string path, string? checkpointsSetting)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        // Shell completion ends a folder with a slash, which would leave the run without a name (and make a link to it
        // read as the folder it leads to, not as a link).
        string folder = FolderPath.Full(path);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        if (RunStatus.TryRead(folder) is not { } status)
        {
            // Without its run.json the folder would pass for no run at all ("holds no checkpoint"), though its own
            // checkpoint folder may hold every resume point it saved.
            return Unreadable(folder, checkpointsSetting) is { } unreadable && !RunFolder.IsLive(folder)
                ? throw RunFolderException.About(unreadable.Folder, $"cannot be continued in place: its {RunStatus.FileName} {unreadable.Problem}; {unreadable.Remedy}", "the run in")
                : null;
        }

        folder = Followed(folder);

        // Before its resume points are read: a live run prunes them as it goes.
        if (RunFolder.IsLive(folder))
        {
            throw RunFolderException.About(folder, "is still training in another process; wait for it or stop it before resuming it", noun: "the run in");
        }

        string model = ShellWord.Quote(Path.Combine(folder, "model.snm"));
        if (status.State == RunStatus.Finished)
        {
            throw new RunFolderException(NothingToContinue(folder));
        }

        if (status.State == RunStatus.Diverged)
        {
            throw RunFolderException.About(folder, "diverged (its loss stopped being finite), and resuming it would diverge again; train afresh with a lower Optimizer:LearningRate", noun: "the run in");
        }

        string point = NewestResumePoint(folder, status, checkpointsSetting)
            ?? throw CheckpointException.About(folder, $"has no resume point to continue from: {WhyNone(folder, status)}; train afresh, or start from its model with --Model:InitFrom={model} if it saved one", noun: "the run in");
        return Continued(folder, status, point);
    }

    /// <summary>
    /// The run folder a link stands for (<c>runs/latest</c> → <c>runs/ID</c>, or <c>runs/ID</c> left in place of a folder moved
    /// to <c>/data/ID</c>): its real path, so the run is named by its id, run.json and the checkpoint folder's marker record
    /// where it really is, and <c>--resume</c> alone finds it again. A folder that is no link is left as given (a runs folder
    /// reached through a link keeps the user's path).
    /// </summary>
    private static string Followed(string folder) => new DirectoryInfo(folder).LinkTarget is null ? folder : RealPath.Of(folder);

    /// <summary>Why a finished run is not resumed, and what to do with it instead.</summary>
    public static string NothingToContinue(string folder)
    {
        string model = ShellWord.Quote(Path.Combine(folder, "model.snm"));
        return $"the run in {ShownName.Of(folder)} finished, so there is nothing to continue; evaluate its model with evaluate --model {model}, or train on from it in a new run with --Model:InitFrom={model}";
    }

    // The point a finished run (in folder, the run it belongs to) ended at holds nothing to train: resuming it would only
    // write that run's model and reports again. Null for any other point: an earlier one branches the run, which is allowed.
    private static string? EndOfFinished(string checkpoint, string? folder) =>
        folder is not null && RunStatus.TryRead(folder) is { State: RunStatus.Finished } && RecordedEpochs(folder) is > 0 and var recorded
            && CheckpointDirectory.PositionOf(checkpoint) is { } at && at.Epoch > recorded
            ? NothingToContinue(folder)
            : null;

    // The run in folder, continued from point; naming a newer point its last session left that is gone, a newer rescue of
    // its name that another folder left, and how far point is past what the folder records.
    private static RunFolder Continued(string folder, RunStatus status, string point)
    {
        string? others = UnrecordedRescues(folder, status).Where(r => RescueOwner.Belongs(r, folder) is false && IsPast(r, point))
            .OrderByDescending(r => CheckpointDirectory.PositionOf(r)).FirstOrDefault();
        return new(folder, point, continues: true)
        {
            GoneNewer = GoneNewer(status, point),
            SkippedRescue = others is null ? null : (others, RescueOwner.Place(others)!),
            AheadOfRecord = AheadOfRecord(folder, status, point),
        };
    }

    // True when a's place in training is past b's.
    private static bool IsPast(string a, string b) =>
        CheckpointDirectory.PositionOf(a) is { } at && CheckpointDirectory.PositionOf(b) is { } other && at.CompareTo(other) > 0;

    /// <summary>
    /// The epochs the folder's history.csv holds when <paramref name="point"/> is further on than anything the folder
    /// records (its content restored in place from an older backup, while its checkpoint folder went on): past the point its
    /// last session, which ended, says the run goes on from; or more than the one epoch past its history that a kill
    /// between a checkpoint and that epoch's row leaves. Null when it is not.
    /// </summary>
    private static int? AheadOfRecord(string folder, RunStatus status, string point)
    {
        if (CheckpointDirectory.PositionOf(point) is not { } at)
        {
            return null;
        }

        bool pastLeft = status.Sessions.Count > 0 && status.Sessions[^1] is { Ended: not null, ResumePoint: { } left } && IsPast(point, left);
        int epochs = RecordedEpochs(folder);
        bool pastHistory = File.Exists(Path.Combine(folder, Reports.HistoryWriter.CsvFile)) && at.Epoch > epochs + 2;
        return pastLeft || pastHistory ? epochs : null;
    }

    // The newer point the last session recorded leaving, when that file is gone (the temp folder cleared at reboot).
    private static string? GoneNewer(RunStatus status, string point) =>
        status.Sessions.Count > 0 && status.Sessions[^1].ResumePoint is { } left && !File.Exists(left)
            && CheckpointDirectory.PositionOf(left) is { } gone && CheckpointDirectory.PositionOf(point) is { } found && gone.CompareTo(found) > 0
            ? left
            : null;

    private static string WhyNone(string folder, RunStatus status)
    {
        var run = new RunFolder(folder);
        string rescues = $"no rescue of it is in the temp folder ({ShownName.Of(Path.GetTempPath())})";
        return status.CheckpointFolderOf(folder) switch
        {
            null => $"it trained with checkpoints off, and {rescues}",
            { } checkpoints when !Directory.Exists(checkpoints) => $"its checkpoint folder {ShownName.Of(checkpoints)} is not there (moved or removed? if moved, --Checkpoints:Directory naming the folder it is in now finds it), and {rescues}",
            { } checkpoints when !run.Contains(checkpoints) && !run.OwnsCheckpoints(status, checkpoints) =>
                $"it is a copy of the run whose checkpoints are in {ShownName.Of(checkpoints)}, none of them at or before where this folder's history ends (epoch {RecordedEpochs(folder)}); train --resume FILE with one of them starts a new run from it",
            { } checkpoints => $"its checkpoint folder {ShownName.Of(checkpoints)} holds none, and {rescues}",
        };
    }

    /// <summary>
    /// A folder whose run.json is missing or cannot be read while its checkpoint folder (as <c>Checkpoints:Directory</c>
    /// places it, or <c>checkpoints</c> inside it) holds resume points: what is wrong with run.json, and the command that
    /// goes on from the newest point. Such a point starts a new run folder, leaving this one as it is. Null for any other folder.
    /// </summary>
    private static (string Folder, string Problem, string Remedy, DateTime Written)? Unreadable(string folder, string? checkpointsSetting)
    {
        if (RunStatus.Problem(folder) is not { } problem)
        {
            return null;
        }

        var run = new RunFolder(folder);
        string? newest = new[] { run.CheckpointFolder(checkpointsSetting), Path.Combine(folder, new Training.Options.CheckpointOptions().Directory) }
            .OfType<string>().Select(points => new CheckpointDirectory(points, 1).Latest()).OfType<string>()
            .OrderByDescending(p => CheckpointDirectory.PositionOf(p) ?? (-1, -1)).FirstOrDefault();
        return newest is null
            ? null
            : (folder, problem, $"its newest resume point may be intact: train --resume {ShellWord.Quote(newest)} goes on from it in a new run folder, leaving this one as it is", File.GetLastWriteTimeUtc(newest));
    }

    // For --resume alone finding nothing: the most recently written among the runs whose run.json cannot be read, which
    // it passes over, with the command that goes on from it; null when there is none.
    private static string? UnreadableRuns(string root, string? checkpointsSetting) =>
        !Directory.Exists(root) ? null : Directory.EnumerateDirectories(root).Select(Followed).Distinct(StringComparer.Ordinal)
            .Select(folder => Unreadable(folder, checkpointsSetting)).OfType<(string Folder, string Problem, string Remedy, DateTime Written)>()
            .Where(u => !RunFolder.IsLive(u.Folder))
            .OrderByDescending(u => u.Written)
            .Select(u => $"but the run in {ShownName.Of(u.Folder)} was passed over because its {RunStatus.FileName} {u.Problem}: {u.Remedy}")
            .FirstOrDefault();

    // Runs that can be resumed, the most recently started or resumed first, each with its newest resume point.
    private static IEnumerable<RunFolder> Interrupted(string root, string? checkpointsSetting)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var candidates = new List<(DateTime Started, RunFolder Run)>();
        // A link (runs/latest) names a run listed under its own name already; one left in place of a run folder moved
        // elsewhere (runs/ID → /data/ID) names a run that is listed nowhere else, so it is taken where it really is.
        foreach (string folder in Directory.EnumerateDirectories(root).Select(Followed).Distinct(StringComparer.Ordinal))
        {
            RunStatus? status = RunStatus.TryRead(folder);
            if (status is null || status.State is RunStatus.Finished or RunStatus.Diverged || RunFolder.IsLive(folder))
            {
                continue;
            }

            if (NewestResumePoint(folder, status, checkpointsSetting) is { } latest)
            {
                candidates.Add((status.LastStarted, Continued(folder, status, latest)));
            }
        }

        return candidates.OrderByDescending(c => c.Started).Select(c => c.Run);
    }

    /// <summary>
    /// The run's newest resume point, by its place in training, among: the newest in its own checkpoint folder (not in
    /// one outside that it shares with the run it was copied from); the one its last session left, or the one that session
    /// resumed from; and, where that session did not say (it was killed, or its run.json could not be written), the
    /// rescues of this folder's name written to the temp folder since it began, but for those kept for another folder of
    /// that name (a copy's, or the original's: <see cref="RescueOwner"/>). A name that does not tell its place (best.ckpt)
    /// wins only when nothing else is there.
    /// </summary>
    private static string? NewestResumePoint(string folder, RunStatus status, string? checkpointsSetting)
    {
        var run = new RunFolder(folder);

        // Where run.json says; or, when that is gone (moved), where Checkpoints:Directory given for this resume points.
        string? named = status.CheckpointFolderOf(folder);
        string? configured = run.CheckpointFolder(checkpointsSetting);
        string? checkpoints = named is not null && !Directory.Exists(named) && configured is not null && Directory.Exists(configured) ? configured : named ?? configured;

        // Another run's folder (this one's copy was made from it): its points past what this folder's history records
        // are that run's later training, not this one's.
        bool shared = checkpoints is not null && !run.Contains(checkpoints) && !run.OwnsCheckpoints(status, checkpoints);
        int recorded = shared ? RecordedEpochs(folder) : 0;
        IEnumerable<string?> candidates =
        [
            checkpoints is null ? null : new CheckpointDirectory(checkpoints, 1).ResumePoints().FirstOrDefault(p => !shared || CheckpointDirectory.PositionOf(p) is not { } at || at.Epoch <= recorded + 1),
            .. LeftByLastSession(status).Take(1),
            .. UnrecordedRescues(folder, status).Where(rescue => RescueOwner.Belongs(rescue, folder) is not false),
        ];
        return candidates.OfType<string>().OrderByDescending(p => CheckpointDirectory.PositionOf(p) ?? (-1, -1)).FirstOrDefault();
    }

    // The epochs this run folder's history.csv holds (a header, then a row per epoch).
    private static int RecordedEpochs(string folder)
    {
        try
        {
            return Math.Max(0, File.ReadLines(Path.Combine(folder, Reports.HistoryWriter.CsvFile)).Count(l => l.Length > 0) - 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    // The point the last session left, else the one it resumed from, where that file is still there.
    private static IEnumerable<string> LeftByLastSession(RunStatus status) =>
        status.Sessions.Count == 0 ? [] : new[] { status.Sessions[^1].ResumePoint, status.Sessions[^1].ResumedFrom }.OfType<string>().Where(File.Exists);

    // The rescues of this folder's name (or its run's id) that its last session may have left without recording them; each
    // may be a copy's of the same name, which its sidecar (RescueOwner) tells.
    private static IEnumerable<string> UnrecordedRescues(string folder, RunStatus status) =>
        RescuePoint.Of(Path.GetFileName(folder)).Concat(Path.GetFileName(folder) == status.Id || status.Id.Length == 0 ? [] : RescuePoint.Of(status.Id))
            .Where(rescue => Unrecorded(status, rescue));

    // A rescue of this folder's name written since its last session began, when that session did not record what it left.
    private static bool Unrecorded(RunStatus status, string rescue) =>
        status.Sessions.Count == 0 || (status.Sessions[^1].ResumePoint is null && File.GetLastWriteTimeUtc(rescue) >= status.Sessions[^1].Started);

    /// <summary>The run folder whose checkpoints include <paramref name="checkpoint"/>, or null.</summary>
    /// <remarks>Its checkpoints are inside it (a parent folder) or, for a Checkpoints:Directory elsewhere, in a folder named after its id.</remarks>
    public static string? Owner(string checkpoint, string root)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(checkpoint))!;
        IEnumerable<string?> parents = [Path.Combine(root, Path.GetFileName(directory))];
        for (string? folder = directory; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            parents = parents.Append(folder);
        }

        foreach (string? folder in parents)
        {
            if (folder is not null && RunStatus.TryRead(folder)?.CheckpointFolderOf(folder) is { } checkpoints
                && (string.Equals(Path.GetFullPath(checkpoints), directory, StringComparison.Ordinal) || string.Equals(RealPath.Of(checkpoints), RealPath.Of(directory), StringComparison.Ordinal)))
            {
                return folder;
            }
        }

        // A rescue in the temp folder (scratchnet-NAME-ckpt-….ckpt) belongs to the run in folder NAME while that is still
        // there and its run.json says one of its sessions left it (or did not say what it left, and the rescue was not kept
        // for another folder): a copy of the folder, or a run of that name in another runs folder, writes rescues of the same name.
        string path = Path.GetFullPath(checkpoint);
        return RescuePoint.FolderName(Path.GetFileName(checkpoint)) is { } name && Path.Combine(root, name) is var rescued && RunStatus.TryRead(rescued) is { } status
            && (status.Sessions.Any(s => s.ResumePoint == path || s.ResumedFrom == path) || (Unrecorded(status, path) && RescueOwner.Belongs(path, rescued) is not false))
            ? rescued
            : null;
    }
}
