using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Host.Tests;

/// <summary>
/// Runs own their folders through the built executable: concurrent runs in one working directory never touch each
/// other's files, an interrupted run's printed resume command (and --resume alone) continues that run in its own folder
/// after other runs, every output location is checked before the first batch, and a write that fails mid-run stops
/// with one line, keeping the last resume point.
/// </summary>
[Category("Integration")]
public sealed partial class ProcessRunFolderTests
{
    private TempDirectory _dir = null!;
    private string[] _data = null!;

    private string Runs => Path.Combine(_dir.Path, "runs");

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _data = SyntheticIdx.Write(_dir.Combine("idx"), trainRows: 200, testRows: 50);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    // Relative Run:Directory (the default "runs"), as a user runs it from a working directory.
    private string[] Train(params string[] extra) => ["train", .. _data, "--Progress:Enabled=false", "--Checkpoints:EveryEpochs=1", .. extra];

    private string[] RunFolders() => Directory.Exists(Runs) ? [.. Directory.GetDirectories(Runs).Order(StringComparer.Ordinal)] : [];

    [Test]
    public void ThePrintedResumeCommandKeepsTheRunsEarlyStopping()
    {
        // A MinDelta no epoch beats makes epoch 1 the best, so early stopping ends the run after epoch 41 of 150.
        (string printed, string folder) = Interrupt(Train("--Training:Epochs=150", "--EarlyStopping:Enabled=true", "--EarlyStopping:Patience=40", "--EarlyStopping:MinDelta=100"));

        HostResult resumed = HostProcess.Run(["train", "--resume", printed], _dir.Path, TimeSpan.FromSeconds(120));

        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        Assert.That(resumed.Output, Does.Contain("Early stopping after epoch 41"));
        Assert.That(File.ReadAllLines(Path.Combine(folder, "history.csv")), Has.Length.EqualTo(42), "41 epochs and the header, as the run left alone");
    }

    [Test]
    public void ACopyOfARunWhoseCheckpointsAreOutsideGoesOnInCheckpointsOfItsOwn_LeavingTheOriginalsUntouched()
    {
        string ck = _dir.Combine("ck");
        (_, string folder) = Interrupt(Train("--Training:Epochs=100000", $"--Checkpoints:Directory={ck}"));
        string theirs = Path.Combine(ck, Path.GetFileName(folder));
        Dictionary<string, byte[]> original = Snapshot(theirs);
        string copy = Path.Combine(Runs, "lr-sweep-copy");
        foreach (string file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        string mine = Path.Combine(ck, "lr-sweep-copy");
        using Process resumed = Process.Start(HostProcess.StartInfo(["train", "--Progress:Enabled=false", "--resume", copy], _dir.Path))!;
        Task<string> stdout = resumed.StandardOutput.ReadToEndAsync();
        Task<string> stderr = resumed.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !resumed.HasExited && new CheckpointDirectory(mine, 1).Latest() is null)
        {
            Thread.Sleep(5);
        }

        HostProcess.Interrupt(resumed);
        Assert.That(resumed.WaitForExit(TimeSpan.FromSeconds(30)), Is.True);
        var result = new HostResult(resumed.ExitCode, stdout.Result, stderr.Result);
        Assert.That(result.ExitCode, Is.EqualTo(130), result.ToString());
        Assert.That(result.Output, Does.Contain($"continues in {copy}").And.Contain($"This run folder is a copy of the one whose checkpoints are in {theirs}, which stay that run's: this run's go to {mine}"));
        Assert.That(Snapshot(theirs), Is.EqualTo(original), "the original's resume points are neither pruned nor added to");
        Assert.That(new CheckpointDirectory(mine, 1).Latest(), Is.Not.Null);
        Assert.That(RunStatus.TryRead(copy)!.CheckpointFolderOf(copy), Is.EqualTo(mine), "and the copy's next resume goes on there");
        Assert.That(RunFolderSelection.RunAt(copy, "checkpoints")!.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(mine));
    }

    [Test]
    public void AResumeOfAnOutsideCheckpointWhoseRunFolderIsGoneKeepsThatCheckpointFolderAndSaysWhy()
    {
        string ck = _dir.Combine("ck");
        HostResult trained = HostProcess.Run(Train("--Training:Epochs=2", $"--Checkpoints:Directory={ck}"), _dir.Path);
        Assert.That(trained.ExitCode, Is.EqualTo(0), trained.ToString());
        string gone = RunFolders().Single();
        string checkpoint = Path.Combine(ck, Path.GetFileName(gone), "ckpt-e0002-b000000.ckpt");
        Directory.Delete(gone, recursive: true);

        HostResult resumed = HostProcess.Run(["train", "--Progress:Enabled=false", "--resume", checkpoint], _dir.Path);

        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        string folder = RunFolders().Single();
        string own = Path.Combine(ck, Path.GetFileName(folder));
        Assert.That(RunStatus.TryRead(folder)!.Checkpoints, Is.EqualTo(own), "the new run's checkpoints stay where the user put the old run's");
        Assert.That(File.Exists(Path.Combine(own, "ckpt-e0003-b000000.ckpt")), Is.True);
        Assert.That(Directory.Exists(Path.Combine(folder, "checkpoints")), Is.False);
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
        JsonElement entry = config.RootElement.GetProperty("Checkpoints:Directory");
        Assert.That((entry.GetProperty("value").GetString(), entry.GetProperty("source").GetString()), Is.EqualTo((own, $"beside the resumed checkpoint {checkpoint}")));
    }

    [Test]
    public void TwoTrainingsStartedTogetherInOneDirectoryKeepTheirOwnModelsAndCheckpoints()
    {
        using Process first = Process.Start(HostProcess.StartInfo(Train("--Training:Epochs=25", "--Training:Seed=1"), _dir.Path))!;
        using Process second = Process.Start(HostProcess.StartInfo(Train("--Training:Epochs=25", "--Training:Seed=2"), _dir.Path))!;
        Task<string>[] outputs = [first.StandardOutput.ReadToEndAsync(), second.StandardOutput.ReadToEndAsync(), first.StandardError.ReadToEndAsync(), second.StandardError.ReadToEndAsync()];
        Assert.That(first.WaitForExit(TimeSpan.FromSeconds(90)) && second.WaitForExit(TimeSpan.FromSeconds(90)), Is.True);
        string output = string.Join("\n", outputs.Select(o => o.Result));

        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), output);
        string[] folders = RunFolders();
        Assert.That(folders, Has.Length.EqualTo(2), output);
        var seeds = new HashSet<string>();
        foreach (string folder in folders)
        {
            Assert.That(Path.GetFileName(folder), Does.Match(@"^\d{8}-\d{6}-[0-9a-f]{8}$"));
            Assert.That(output, Does.Contain($"Saved the model to {Path.Combine(folder, "model.snm")}"), "each run reports its own model");
            Assert.That(ScratchNet.Models.ModelFile.Load(Path.Combine(folder, "model.snm")).Tensors, Is.Not.Empty);
            var checkpoints = new CheckpointDirectory(Path.Combine(folder, "checkpoints"), 3);
            Assert.That(checkpoints.ResumePoints().Count(), Is.EqualTo(3), $"{folder}: its own newest three resume points, none pruned by the other run");
            Assert.That(CheckpointFile.Load(checkpoints.Latest()!).Epoch, Is.EqualTo(26));
            Assert.That(File.Exists(checkpoints.BestPath), Is.True);
            Assert.That(File.ReadAllLines(Path.Combine(folder, "history.csv")), Has.Length.EqualTo(26));
            RunStatus status = RunStatus.TryRead(folder)!;
            Assert.That(status.State, Is.EqualTo(RunStatus.Finished));
            RunSession session = status.Sessions.Single();
            Assert.That(session.Version, Is.EqualTo(RunRecord.CodeVersion), "run.json names the code that made the run");
            Assert.That(session.Arguments, Does.Contain("--Training:Epochs=25").And.Contain("train"), "and the command line it was given");
            Assert.That(session.Processors, Is.EqualTo(Environment.ProcessorCount));
            seeds.Add(Config(folder)["Training:Seed"].GetProperty("value").GetString()!);
        }

        Assert.That(seeds, Is.EquivalentTo(new[] { "1", "2" }), "each folder records its own run's configuration");
    }

    [Test]
    public void AnInterruptedRunsPrintedResumeCommandAndResumeAloneContinueItInItsOwnFolderAfterOtherRuns()
    {
        // Run A is interrupted (Ctrl+C), then run B is interrupted, then run C finishes.
        (string printedA, string folderA) = Interrupt(Train("--Training:Epochs=150", "--Checkpoints:Directory=checkpoints"));
        (string printedB, string folderB) = Interrupt(Train("--Training:Epochs=150", "--Training:Seed=5"));
        HostResult finished = HostProcess.Run(Train("--Training:Epochs=2"), _dir.Path);
        Assert.That(finished.ExitCode, Is.EqualTo(0), finished.ToString());
        string folderC = RunFolders().Single(f => f != folderA && f != folderB);
        Dictionary<string, byte[]> filesC = Snapshot(folderC);

        // --resume alone: the most recently started run that did not finish is B (C finished after it). Its data, epochs and
        // seed are not repeated: a resumed run takes the settings its checkpoint was written under.
        HostResult resumedB = HostProcess.Run(["train", "--Progress:Enabled=false", "--resume"], _dir.Path, TimeSpan.FromSeconds(120));
        Assert.That(resumedB.ExitCode, Is.EqualTo(0), resumedB.ToString());
        Assert.That(resumedB.Output, Does.Contain($"Run {Path.GetFileName(folderB)} continues in {folderB}").And.Contain($"Resuming {printedB}"));

        // The command printed when A was interrupted works as printed, after B and C ran (its resume point was not pruned).
        HostResult resumedA = HostProcess.Run(["train", "--resume", printedA], _dir.Path, TimeSpan.FromSeconds(120));
        Assert.That(resumedA.ExitCode, Is.EqualTo(0), resumedA.ToString());
        Assert.That(resumedA.Output, Does.Contain($"Run {Path.GetFileName(folderA)} continues in {folderA}"));
        Assert.That(Entry(Config(folderA), "Training:Epochs"), Is.EqualTo(("150", "command line (--Training:Epochs)")), "taken from the checkpoint, first set on the command line");
        Assert.That(Entry(Config(folderA), "Checkpoints:Directory"), Is.EqualTo((Path.Combine(folderA, "checkpoints"), "command line (--Checkpoints:Directory)")), "the folder its run.json names, first set on the command line");

        Assert.That(RunFolders(), Has.Length.EqualTo(3), "resumes continue their run's folder");
        foreach (string folder in new[] { folderA, folderB })
        {
            RunStatus status = RunStatus.TryRead(folder)!;
            Assert.That(status.State, Is.EqualTo(RunStatus.Finished));
            Assert.That(status.Sessions.Select(s => s.State), Is.EqualTo(new[] { RunStatus.Interrupted, RunStatus.Finished }));
            Assert.That(File.Exists(Path.Combine(folder, "model.snm")), Is.True);
            Assert.That(File.ReadAllLines(Path.Combine(folder, "history.csv")), Has.Length.EqualTo(151), "one history with every epoch, before and after the interruption");
        }

        Assert.That(Snapshot(folderC), Is.EqualTo(filesC), "the finished run's files are untouched");

        // Nothing left to resume now: every run finished.
        HostAssert.OneLine(HostProcess.Run(Train("--Training:Epochs=150", "--resume"), _dir.Path), 2, "there is no interrupted run to resume in");
    }

    [Test]
    public void ClosingTheTerminal_StopsTheRunAsCtrlCDoes_WithAResumePointThatContinuesIt()
    {
        // SIGHUP killed the process by default: no resume point since the last epoch's, run.json left "running".
        (string checkpoint, string folder) = Interrupt(Train("--Training:Epochs=150"), HostProcess.SigHup);

        Assert.That(Path.GetFileName(checkpoint), Does.Match(@"^ckpt-e\d{4}-b\d{6}\.ckpt$"));
        string[] log = File.ReadAllLines(Path.Combine(folder, "log.clef"));
        Assert.That(log, Has.Some.Contains("SIGHUP, the terminal closed"));
        JsonElement interrupted = log.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.TryGetProperty("Message", out JsonElement m) && m.GetString()!.StartsWith("Interrupted at ", StringComparison.Ordinal));
        Assert.That(interrupted.GetProperty("@l").GetString(), Is.EqualTo("Warning"), "a stop the user asked for is no error");
        HostResult resumed = HostProcess.Run(["train", "--Progress:Enabled=false", "--Training:Epochs=150", "--resume", checkpoint], _dir.Path, TimeSpan.FromSeconds(120));
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        Assert.That(RunStatus.TryRead(folder)!.State, Is.EqualTo(RunStatus.Finished));
    }

    [Test]
    public void CtrlCWithCheckpointsOffKeepsTheNetworkInTheTempFolder_AndThePrintedCommandContinuesTheRunInItsFolder()
    {
        // Checkpoints off dropped the network with the process: the epochs trained were lost.
        (string printed, string folder) = Interrupt(["train", .. _data, "--Progress:Enabled=false", "--Training:Epochs=100000", "--Checkpoints:Directory="]);

        Assert.That(printed, Does.StartWith(Path.Combine(_dir.Path, $"scratchnet-{Path.GetFileName(folder)}-ckpt-e")), "in the temp folder, named after the run");
        using Process resumed = Process.Start(HostProcess.StartInfo(["train", "--Progress:Enabled=false", "--resume", printed], _dir.Path))!;
        Task<string> stdout = resumed.StandardOutput.ReadToEndAsync();
        _ = resumed.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        int epochs = File.ReadAllLines(Path.Combine(folder, "history.csv")).Length;
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !resumed.HasExited && File.ReadAllLines(Path.Combine(folder, "history.csv")).Length <= epochs + 1)
        {
            Thread.Sleep(5);
        }

        resumed.Kill();
        resumed.WaitForExit();
        Assert.That(stdout.Result, Does.Contain($"continues in {folder}").And.Contain($"Resuming {printed}"));
        Assert.That(RunFolders(), Is.EqualTo(new[] { folder }), "no new run folder");
    }

    [Test]
    public void ARescueResumedByItsFileAfterItsRunFolderWasMovedAwaySaysWhyItStartsANewRunFolder()
    {
        // It used to start a new folder without a word, splitting the run the user meant to continue.
        (string printed, string folder) = Interrupt(["train", .. _data, "--Progress:Enabled=false", "--Training:Epochs=100000", "--Checkpoints:Directory="]);
        string moved = _dir.Combine("archive");
        Directory.Move(folder, moved);
        using Process resumed = Process.Start(HostProcess.StartInfo(["train", "--Progress:Enabled=false", "--resume", printed], _dir.Path))!;
        Task<string> stdout = resumed.StandardOutput.ReadToEndAsync();
        Task<string> stderr = resumed.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !resumed.HasExited && !RunFolders().Any(f => File.Exists(Path.Combine(f, "history.csv"))))
        {
            Thread.Sleep(5);
        }

        resumed.Kill();
        resumed.WaitForExit();
        string output = stdout.Result + stderr.Result;
        Assert.That(RunFolders(), Has.Length.EqualTo(1), output);
        Assert.That(stderr.Result, Does.Contain($"{printed} was kept for the run in a folder named {Path.GetFileName(folder)}, which is not in {Runs}").And.Contain("train --resume NEW-PLACE"), output);
    }

    [Test]
    public void AfterAKillTheOriginalSkipsTheRescueOfACopyOfTheSameName_SayingSo()
    {
        // Checkpoints off. The original, copied (cp -a keeps the name), resumed and killed (kill -9: it recorded no end); the
        // copy then resumed and was interrupted, keeping a rescue of the same name, which the original used to take.
        (string rescue, string folder) = Interrupt(["train", .. _data, "--Progress:Enabled=false", "--Training:Epochs=100000", "--Checkpoints:Directory="]);
        Assert.That(RescueOwner.Belongs(rescue, folder), Is.True, "a rescue names the folder it was kept for");
        string copy = Path.Combine(_dir.Path, "other", Path.GetFileName(folder));
        CopyTree(folder, copy);
        using (Process killed = TrainAnEpoch(["--resume", folder], folder).Process)
        {
            killed.Kill();
            killed.WaitForExit();
        }

        (Process copied, _, _) = TrainAnEpoch(["--resume", copy], copy);
        using (copied)
        {
            HostProcess.Interrupt(copied);
            Assert.That(copied.WaitForExit(TimeSpan.FromSeconds(30)), Is.True);
        }

        string copys = RunStatus.TryRead(copy)!.Sessions[^1].ResumePoint!;
        Assert.That(RescueOwner.Belongs(copys, copy), Is.True, "the copy kept a rescue of its own");

        (Process resumed, Task<string> stdout, Task<string> stderr) = TrainAnEpoch(["--resume", folder], folder);
        using (resumed)
        {
            resumed.Kill();
            resumed.WaitForExit();
        }

        string output = stdout.Result + stderr.Result;
        Assert.That(stdout.Result, Does.Contain($"Resuming {rescue}"), output);
        Assert.That(stderr.Result, Does.Contain($"Skipped {copys}, a newer rescue of this run's name that was kept for another folder, {copy}"), output);
    }

    [Test]
    public void AFolderRestoredInPlaceFromAnOlderBackupSaysItsResumeSkipsAheadOfItsRecord()
    {
        // Its checkpoints are outside, so they went on while the folder's content was rolled back to the backup's.
        string ck = _dir.Combine("ck");
        (_, string folder) = Interrupt(Train("--Training:Epochs=100000", $"--Checkpoints:Directory={ck}", "--Checkpoints:KeepLast=1"));
        string backup = _dir.Combine("backup");
        CopyTree(folder, backup);
        int recorded = File.ReadAllLines(Path.Combine(backup, "history.csv")).Length - 1;
        (Process further, _, _) = TrainAnEpoch(["--resume", folder], folder, epochs: 4);
        using (further)
        {
            HostProcess.Interrupt(further);
            Assert.That(further.WaitForExit(TimeSpan.FromSeconds(30)), Is.True);
        }

        foreach (string file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.Delete(file);
        }

        CopyTree(backup, folder);
        (Process resumed, Task<string> stdout, Task<string> stderr) = TrainAnEpoch(["--resume", folder], folder);
        using (resumed)
        {
            resumed.Kill();
            resumed.WaitForExit();
        }

        Assert.That(stderr.Result, Does.Contain($"This run folder's own record ends earlier (its history.csv at epoch {recorded}) than the run's newest resume point, {Path.Combine(ck, Path.GetFileName(folder))}"), stdout.Result + stderr.Result);

        // An emptied or damaged history.csv gives the same warning: a backup is one cause, not the only one.
        Assert.That(stderr.Result, Does.Contain("(its history.csv damaged or emptied, or the folder's content restored from an older backup?)"), stderr.Result);
    }

    /// <summary>Starts a training in <paramref name="folder"/> and returns it once its history has grown by more than <paramref name="epochs"/> rows (a resume first writes it again from its checkpoint).</summary>
    private (Process Process, Task<string> Stdout, Task<string> Stderr) TrainAnEpoch(string[] args, string folder, int epochs = 1)
    {
        int before = File.ReadAllLines(Path.Combine(folder, "history.csv")).Length;
        Process process = Process.Start(HostProcess.StartInfo(["train", "--Progress:Enabled=false", .. args], _dir.Path))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited && File.ReadAllLines(Path.Combine(folder, "history.csv")).Length <= before + epochs)
        {
            Thread.Sleep(5);
        }

        Assert.That(process.HasExited, Is.False, "the run ended before it trained an epoch");
        return (process, stdout, stderr);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != RunFolder.LockFileName))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Test]
    public void ACheckpointCopiedOutOfItsRunSaysItStartsANewRunFolder()
    {
        (string checkpoint, string folder) = Interrupt(Train("--Training:Epochs=100000"));
        string kept = _dir.Combine("kept.ckpt");
        File.Copy(checkpoint, kept);
        (string stdout, string stderr) = ResumeUntilANewFolderTrains(kept, folder);
        Assert.That(RunFolders(), Has.Length.EqualTo(2), stdout + stderr);
        Assert.That(stdout, Does.Contain($"{kept} belongs to no run folder found").And.Contain("it continues in this new run folder"), stdout + stderr);
    }

    // After a resume from the checkpoint of a folder whose run.json is damaged (Z3), the line said "to continue its run
    // in its own folder instead, stop this one and train --resume RUN-FOLDER", which that folder refuses.
    [Test]
    public void ACheckpointOfAFolderWhoseRunJsonIsDamaged_SaysItsRunCannotGoOnThere_AndHowThisOneGoesOn()
    {
        (string checkpoint, string folder) = Interrupt(Train("--Training:Epochs=100000"));
        File.WriteAllText(Path.Combine(folder, RunStatus.FileName), "");
        (string stdout, string stderr) = ResumeUntilANewFolderTrains(checkpoint, folder);
        string created = RunFolders().Single(f => f != folder);
        Assert.That(stdout, Does.Contain($"{checkpoint} is a resume point of the run in {folder}, whose run.json is damaged ("), stdout + stderr);
        Assert.That(stdout, Does.Contain($"so that run cannot be continued in its own folder: it continues in this new run folder, and train --resume {created} continues this one if it stops"), stdout + stderr);
        Assert.That(stdout, Does.Not.Contain("RUN-FOLDER"), stdout + stderr);
    }

    [Test]
    public void ARunResumedFromARescueAndFromAnEarlierPointKeepsOnlyWhatKeepLastKeeps_NoRescueOrBranchLeftBehind()
    {
        // Both used to stay for good: a rescue per stop in the temp folder, and a branch's points set aside per resume.
        (string rescue, string folder) = Interrupt(["train", .. _data, "--Progress:Enabled=false", "--Training:Epochs=100000", "--Checkpoints:Directory="]);
        string checkpoints = Path.Combine(folder, "checkpoints");
        var points = new CheckpointDirectory(checkpoints, 1);
        string first = ResumeUntil(["--resume", folder, "--Checkpoints:Directory=checkpoints", "--Checkpoints:KeepLast=2"], () => points.ResumePoints().Count() >= 2);
        Assert.That(File.Exists(rescue), Is.False, $"the rescue resumed from stays once two resume points replace it: {first}");

        string earlier = points.ResumePoints().Last();
        int rows = File.ReadAllLines(Path.Combine(folder, "history.csv")).Length;
        string second = ResumeUntil(["--resume", earlier, "--Checkpoints:KeepLast=2"], () => File.ReadAllLines(Path.Combine(folder, "history.csv")).Length > rows + 2);

        Assert.That(second, Does.Contain("Set aside the resume points past"));
        Assert.That(Directory.GetFiles(checkpoints, "*.ckpt").Select(Path.GetFileName).Where(f => f != CheckpointDirectory.BestFileName).ToArray(), Has.Length.EqualTo(2).And.All.StartWith("ckpt-e"), second);
        Assert.That(Directory.GetFiles(_dir.Path, "scratchnet-*.ckpt"), Is.Empty, "no rescue left in the temp folder");
        Assert.That(RunFolderSelection.RunAt(folder, "checkpoints")!.ResumeCheckpoint, Is.EqualTo(points.Latest()));
    }

    /// <summary>Resumes a run, sends Ctrl+C once <paramref name="until"/> holds, and returns its output (exit 130 asserted).</summary>
    private string ResumeUntil(string[] resume, Func<bool> until)
    {
        using Process process = Process.Start(HostProcess.StartInfo(["train", "--Progress:Enabled=false", .. resume], _dir.Path))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited && !until())
        {
            Thread.Sleep(5);
        }

        Assert.That(process.HasExited, Is.False, "the resumed run ended before it could be interrupted");
        HostProcess.Interrupt(process);
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(30)), Is.True);
        var result = new HostResult(process.ExitCode, stdout.Result, stderr.Result);
        Assert.That(result.ExitCode, Is.EqualTo(130), result.ToString());
        return result.Output;
    }

    [Test]
    public void AFinishedRunsBestCheckpointWrittenAfterItsLastEpochIsNotResumed_AndItsFilesStayAsTheyWere()
    {
        HostResult finished = HostProcess.Run(Train("--Training:Epochs=1"), _dir.Path);
        Assert.That(finished.ExitCode, Is.EqualTo(0), finished.ToString());
        string folder = RunFolders().Single();
        Dictionary<string, byte[]> before = Snapshot(folder);

        // best.ckpt's name gives no position; its content says training had ended.
        HostResult result = HostProcess.Run([.. Train(), "--resume", Path.Combine(folder, "checkpoints", "best.ckpt")], _dir.Path);

        HostAssert.OneLine(result, 2, "finished, so there is nothing to continue");
        Assert.That(Snapshot(folder), Is.EqualTo(before), "the model, reports and run.json are not written again");
    }

    [Test]
    public void AResumeOfARunsModelFile_OrOfItsBareId_IsToldWhatItNamed()
    {
        HostResult finished = HostProcess.Run(Train("--Training:Epochs=1"), _dir.Path);
        Assert.That(finished.ExitCode, Is.EqualTo(0), finished.ToString());
        string folder = RunFolders().Single();

        // "is not a ScratchNet checkpoint (its first bytes are not SNCKPT)" named neither InitFrom nor the run's folder.
        // Its run finished, so "--resume RUN" would be refused in turn: only the ways that work are offered.
        HostResult model = HostProcess.Run([.. Train(), "--resume", Path.Combine(folder, "model.snm")], _dir.Path);
        HostAssert.OneLine(model, 2, "is a model file, not a checkpoint", $"--Model:InitFrom={Path.Combine(folder, "model.snm")}", "finished, so there is nothing to continue");
        Assert.That(model.Output, Does.Not.Contain($"--resume {folder}"));

        // An ONNX export is not read back, so --Model:InitFrom=e.onnx would be refused too.
        string onnx = Path.Combine(_dir.Path, "e.onnx");
        Assert.That(HostProcess.Run(["export", "--model", Path.Combine(folder, "model.snm"), "--out", onnx], _dir.Path).ExitCode, Is.EqualTo(0));
        HostResult export = HostProcess.Run([.. Train(), "--resume", onnx], _dir.Path);
        HostAssert.OneLine(export, 2, "is a model file, not a checkpoint", "ONNX export, which ScratchNet does not read back", "the .snm or .safetensors file it was exported from");
        Assert.That(export.Output, Does.Not.Contain("--Model:InitFrom=" + onnx));

        // A run's id alone, as its log names it: the run in Run:Directory, not a file of that name in the working folder.
        HostResult id = HostProcess.Run([.. Train(), "--resume", Path.GetFileName(folder)], _dir.Path);
        HostAssert.OneLine(id, 2, "finished, so there is nothing to continue");
    }

    [Test]
    public void ARefusedResumeNamesEveryDifferingKeyAndChangesNothing()
    {
        (string printed, string folder) = Interrupt(Train("--Training:Epochs=150"));
        Dictionary<string, byte[]> before = Snapshot(folder);

        // A setting left behind in the environment (a sweep's loop) is named with where it comes from.
        ProcessStartInfo start = HostProcess.StartInfo([.. Train("--Training:Epochs=300", "--Training:Threads=2"), "--resume", printed], _dir.Path);
        start.Environment["SCRATCHNET_Optimizer__Momentum"] = "0.5";
        HostResult result = HostProcess.Run(start);

        HostAssert.OneLine(result, 2, "was written under other settings — Optimizer:Momentum: 0 in the checkpoint, 0.5 now (from environment variable SCRATCHNET_Optimizer__Momentum); Training:Epochs: 150 in the checkpoint, 300 now (from command line (--Training:Epochs)).");
        Assert.That(result.Output, Does.Not.Contain("Training:Threads:"), "a different thread count never blocks a resume");
        Assert.That(Snapshot(folder), Is.EqualTo(before), "config.json, run.json and the checkpoints are as the interrupted run left them");
    }

    [Test]
    public void ConfigJsonRecordsEveryEffectiveKeyWithItsValueAndSource()
    {
        string config = _dir.Combine("mïne 日本.json");
        File.WriteAllText(config, "{ \"Optimizer\": { \"Beta1\": 0.85 } }");
        var start = HostProcess.StartInfo(Train("--Training:Epochs=1", "--recipe", "fast", "--config", config), _dir.Path);
        start.Environment["SCRATCHNET_Training__Seed"] = "9";
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), output);

        Dictionary<string, JsonElement> keys = Config(RunFolders().Single());
        Assert.That(File.ReadAllText(Path.Combine(RunFolders().Single(), "config.json")), Does.Contain("mïne 日本.json"), "paths as typed, not escaped to \\u00EF");
        Assert.That(Entry(keys, "Training:Epochs"), Is.EqualTo(("1", "command line (--Training:Epochs)")));
        Assert.That(Entry(keys, "Training:Seed"), Is.EqualTo(("9", "environment variable SCRATCHNET_Training__Seed")));
        Assert.That(Entry(keys, "Optimizer:Beta1"), Is.EqualTo(("0.85", config)));
        // The files read, beside the program, by their full paths (not a relative config/… that reads as the clone's).
        string shipped = Path.Combine(Path.GetDirectoryName(HostProcess.HostDll)!, "config");
        Assert.That(Entry(keys, "Optimizer:Name"), Is.EqualTo(("adam", Path.Combine(shipped, "recipes", "fast.json"))));
        Assert.That(Entry(keys, "Optimizer:LearningRate").Source, Is.EqualTo(Path.Combine(shipped, "recipes", "fast.json")));
        Assert.That(Entry(keys, "Training:Threads"), Is.EqualTo(("auto", "default")));
        Assert.That(Entry(keys, "Recipe"), Is.EqualTo(("fast", "command line (--recipe)")));
        Assert.That(Entry(keys, "Serilog:MinimumLevel:Default"), Is.EqualTo(("Information", Path.Combine(shipped, "appsettings.json"))));
        Assert.That(keys.Keys, Is.SupersetOf(new[] { "Data:Dataset", "Model:LayerSizes", "Schedule:Name", "Checkpoints:KeepLast", "EarlyStopping:Patience", "Run:Directory", "Progress:Enabled" }));
    }

    [Test]
    public void AFileWhereTheRunFolderShouldBeIsOneLineNamingRunDirectoryBeforeAnyWork()
    {
        File.WriteAllText(Runs, "a file, not a folder");
        string cache = _dir.Combine("cache");

        HostResult result = HostProcess.Run(["train", "--Data:Dataset=mnist", $"--Data:CacheDirectory={cache}", "--Data:UseNpm=false", "--Data:Mirrors:0="], _dir.Path);

        HostAssert.OneLine(result, 2, "Cannot start the run: Run:Directory", "is a regular file, not a folder");
        Assert.That(File.ReadAllText(Runs), Is.EqualTo("a file, not a folder"));
        Assert.That(Directory.Exists(cache), Is.False, "checked before the data is fetched");
    }

    [Test]
    public void AnUnwritableCheckpointFolderIsOneLineNamingCheckpointsDirectoryAndLeavesNoRunFolder()
    {
        string blocker = _dir.Combine("blocker");
        File.WriteAllText(blocker, "a file");

        HostResult result = HostProcess.Run(Train($"--Checkpoints:Directory={Path.Combine(blocker, "ckpt")}"), _dir.Path);

        HostAssert.OneLine(result, 2, "Cannot start the run: Checkpoints:Directory", "cannot be written");
        Assert.That(RunFolders(), Is.Empty);
        Assert.That(File.ReadAllText(blocker), Is.EqualTo("a file"));
    }

    [Test]
    public void ANetworkThatDoesNotFitTheDataEndsWithOneLineAndLeavesNoRunFolder()
    {
        string outside = _dir.Combine("ckpt");

        HostResult result = HostProcess.Run(Train("--Model:LayerSizes=", "--Model:Layers:0=conv 4 3x3", "--Model:Layers:1=relu", "--Model:Layers:2=conv 4 99x99", "--Model:Layers:3=flatten", "--Model:Layers:4=dense 10", $"--Checkpoints:Directory={outside}"), _dir.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Lines[^1], Does.Contain("Configuration does not fit the data: Model:Layers does not fit"));
        HostAssert.NoStackTrace(result);
        Assert.That(RunFolders(), Is.Empty, "nothing was trained, so nothing is kept");
        Assert.That(Directory.Exists(outside), Is.False, "nor a checkpoint folder outside the run folder");
        Assert.That(Directory.Exists(Runs), Is.False, "nor the runs folder it made for the run");
    }

    [Test]
    public void ARunThatFailsBeforeTrainingRemovesTheParentFoldersItMadeAndKeepsThoseThatWereThere()
    {
        Directory.CreateDirectory(_dir.Combine("kept"));
        string[] broken = [.. _data.Where(a => !a.StartsWith("--Data:Directory", StringComparison.Ordinal)), $"--Data:Directory={_dir.Combine("kept")}"];

        HostResult result = HostProcess.Run(["train", .. broken, "--Run:Directory=new/deep/runs", $"--Checkpoints:Directory={Path.Combine(_dir.Combine("ck"), "sub")}"], _dir.Path);

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(Directory.Exists(_dir.Combine("new")) || Directory.Exists(_dir.Combine("ck")), Is.False, "the empty parents it created are gone");
        Assert.That(Directory.Exists(_dir.Combine("kept")), Is.True, "what was there before stays");
    }

    // The synthetic images are 8 × 8; 64 rows a batch. A ceiling of the model files speaks before any other limit (no
    // batch size can help those); an array too large for the runtime is the builder's to report.
    private const string Ceiling = "Configuration is beyond ScratchNet's limits: Model:Layers: ";
    private const string Builder = "Configuration does not fit the data: Model:Layers does not fit the 1 × 8 × 8 inputs: ";

    [TestCase(Ceiling + "layer 1 (conv 4 3x3 pad 20000) gets 1 × 8 × 8 inputs: it gives 4 × 40006 × 40006 outputs, where a model's shapes keep to height and width at most 65,536", "conv 4 3x3 pad 20000", "flatten", "dense 10")]
    [TestCase(Ceiling + "layer 1 (conv 1048576 3x3) gets 1 × 8 × 8 inputs: one of its sizes (input, kernel, stride, padding, filters) is above 65,536, the most a ScratchNet model file holds", "conv 1048576 3x3", "relu", "maxpool 6", "flatten", "dense 10")]
    [TestCase(Ceiling + "layer 3 (dense 1048576) gets 1048576 inputs (a flat vector): the layers up to it hold 1,099,580,833,792 weights, biases and statistics (a model file of 4096.3 GiB), more than 264,241,152", "flatten", "dense 1048576", "dense 1048576", "dense 10")]
    [TestCase(Builder + "layer 2 (conv 8192 3x3) gets 1024 × 8 × 8 inputs: its weights (filters × channels × kernel) would take 75,497,472 values, more than the 67,108,864 a convolution may take", "conv 1024 1x1", "conv 8192 3x3", "flatten", "dense 10")]
    public void ANetworkBeyondASizeLimitIsOneLineNamingTheLayerAndTheLimitBeforeAnythingIsAllocated(string expected, params string[] layers)
    {
        HostResult result = HostProcess.Run(Train(["--Model:LayerSizes=", "--Training:BatchSize=64", .. layers.Select((layer, i) => $"--Model:Layers:{i}={layer}")]), _dir.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Lines[^1], Does.Contain(expected));
        HostAssert.NoStackTrace(result);
        Assert.That(RunFolders(), Is.Empty, "nothing was trained, so nothing is kept");
    }

    [Test]
    public void AFirstLayerThatDoesNotFitTheDataLeavesNoRunFolderButATrainedRunKeepsItsFolder()
    {
        HostResult refused = HostProcess.Run(Train("--Model:LayerSizes=5,10"), _dir.Path);
        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.Lines[^1], Does.Contain("Configuration does not fit the data: the first layer size is 5"));
        Assert.That(RunFolders(), Is.Empty);

        HostResult trained = HostProcess.Run(Train("--Training:Epochs=1"), _dir.Path);
        Assert.That(trained.ExitCode, Is.EqualTo(0), trained.ToString());
        Assert.That(RunFolders(), Has.Length.EqualTo(1));
        Assert.That(RunStatus.TryRead(RunFolders()[0])!.State, Is.EqualTo(RunStatus.Finished));
    }

    [Test]
    public void ACheckpointThatCannotBeWrittenMidRunStopsWithOneLineAndKeepsTheLastResumePoint()
    {
        // Once the run is checkpointing, a directory takes the name of a resume point a few hundred epochs ahead,
        // as if the disk had been swapped under it: that write must fail, and nothing before it may be lost.
        (Process started, Task<string> stdout, Task<string> stderr, string checkpoints) = StartCheckpointing(Train("--Training:Epochs=100000"));
        using Process process = started;
        var waited = Stopwatch.StartNew();
        int LatestEpoch() => new CheckpointDirectory(checkpoints!, 1).Latest() is { } latest
            ? int.Parse(EpochOf().Match(Path.GetFileName(latest)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : -1;
        int epoch = LatestEpoch();
        string blocked = Path.Combine(checkpoints!, $"ckpt-e{epoch + 300:D4}-b000000.ckpt");
        Directory.CreateDirectory(blocked);
        File.WriteAllText(Path.Combine(blocked, "keep.txt"), "keep");
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(120)), Is.True, "the run went past the blocked checkpoint");
        var result = new HostResult(process.ExitCode, stdout.Result, stderr.Result);

        Assert.That(result.ExitCode, Is.EqualTo(8), result.ToString());
        HostAssert.NoStackTrace(result);
        string[] errors = [.. result.Lines.Where(l => l.Contains("Could not write", StringComparison.Ordinal))];
        Assert.That(errors, Has.Length.EqualTo(1), result.ToString());
        string kept = Path.Combine(checkpoints!, $"ckpt-e{epoch + 299:D4}-b000000.ckpt");
        string rescued = Path.Combine(_dir.Path, $"scratchnet-{Path.GetFileName(Path.GetDirectoryName(checkpoints))}-ckpt-e{epoch + 300:D4}-b000000.ckpt");
        string folder = Path.GetDirectoryName(checkpoints)!;
        Assert.That(errors[0], Does.Contain($"Could not write {blocked}: it is a directory, not a regular file, and is left as it is. The network as it stood (epoch {epoch + 300}, batch 0) is kept as a resume point ({rescued}): move it out of the way, then train --resume {folder} continues from it in this run's folder."));
        Assert.That(CheckpointFile.Load(rescued).Epoch, Is.EqualTo(epoch + 300), "the epoch the blocked resume point was to hold is kept in the temp folder");
        Assert.That(CheckpointFile.Load(kept).Epoch, Is.EqualTo(epoch + 299));
        Assert.That(File.ReadAllText(Path.Combine(blocked, "keep.txt")), Is.EqualTo("keep"), "the directory in the way was not replaced");
        Assert.That(RunStatus.TryRead(folder)!.State, Is.EqualTo(RunStatus.Failed));
        Assert.That(RunStatus.TryRead(folder)!.Sessions[^1].ResumePoint, Is.EqualTo(rescued), "run.json names what the session left");
        Assert.That(File.ReadAllLines(Path.Combine(folder, "history.csv")), Has.Length.EqualTo(epoch + 299), "the history of every epoch up to the kept resume point (a header and epoch + 298 rows)");

        // Once the folder is fixed, the printed command continues the failed run in its own folder from the rescued epoch,
        // newer than the folder's own last resume point.
        Directory.Delete(blocked, recursive: true);
        using Process resumed = Process.Start(HostProcess.StartInfo(Train("--Training:Epochs=100000", "--resume", folder), _dir.Path))!;
        Task<string> resumedOut = resumed.StandardOutput.ReadToEndAsync();
        _ = resumed.StandardError.ReadToEndAsync();
        // Checkpoints:KeepLast prunes older resume points, and on a quiet machine tiny epochs take milliseconds, so a
        // given file may come and go between two looks: wait for the latest resume point to be past the failed one.
        waited.Restart();
        while (LatestEpoch() < epoch + 302 && waited.Elapsed < TimeSpan.FromSeconds(60) && !resumed.HasExited)
        {
            Thread.Sleep(10);
        }

        resumed.Kill();
        resumed.WaitForExit();
        Assert.That(resumedOut.Result, Does.Contain($"Resuming {rescued}").And.Contain($"continues in {folder}"));
        Assert.That(LatestEpoch(), Is.GreaterThanOrEqualTo(epoch + 302), "it went on past the point that failed");
    }

    [Test]
    public void ARunFolderRemovedDuringTrainingStopsTheRunWithOneLineAndIsNotRebuiltInPart()
    {
        (string[] data, Process process, Task<string> stdout, Task<string> stderr, string folder) = TrainPastTheFirstEpoch();
        using Process running = process;

        // Removed in one step (as rm -rf of its parent looks to the run), then deleted.
        Directory.Move(folder, _dir.Combine("removed"));
        Directory.Delete(_dir.Combine("removed"), recursive: true);
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "the run went on without its folder");
        var result = new HostResult(process.ExitCode, stdout.Result, stderr.Result);

        string line = StoppedWithOneLine(result, $"The run folder {folder} was removed, moved or replaced while the run trained in it; training stopped without writing into it again. The network as it stood (epoch ");
        Assert.That(Directory.Exists(folder), Is.False, "no history, checkpoint or run.json rebuilt it without its log, configuration and lock");

        // Its checkpoints went with it, so what it trained is written to the temp folder, and the printed command continues it.
        string rescued = System.Text.RegularExpressions.Regex.Match(line, @"train --resume (\S+) continues in a new run folder \(if the folder was moved to another file system, train --resume NEW-PLACE continues there instead\)\.$").Groups[1].Value;
        Assert.That(Path.GetDirectoryName(rescued), Is.EqualTo(_dir.Path), line);
        Checkpoint checkpoint = CheckpointFile.Load(rescued);
        Assert.That(line, Does.Contain($"(epoch {checkpoint.Epoch}, batch {checkpoint.Batch})"));
        AssertTheEpochThatFoundItGoneIsLogged(result, checkpoint);
        using Process resumed = Process.Start(HostProcess.StartInfo(["train", .. data, "--Progress:Enabled=false", "--Checkpoints:EveryEpochs=1000", "--Training:Epochs=100000", "--resume", rescued], _dir.Path))!;
        Task<string> resumedOut = resumed.StandardOutput.ReadToEndAsync();
        Task<string> resumedErr = resumed.StandardError.ReadToEndAsync();
        string? history = null;
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !resumed.HasExited && (history = RunFolders().Select(f => Path.Combine(f, "history.csv")).FirstOrDefault(File.Exists)) is null)
        {
            Thread.Sleep(5);
        }

        resumed.Kill();
        resumed.WaitForExit();
        Assert.That(resumedOut.Result, Does.Contain($"Resuming {rescued} at epoch {checkpoint.Epoch}, batch {checkpoint.Batch}"), resumedErr.Result);
        Assert.That(history, Is.Not.Null, "the resumed run went on to finish an epoch in a new run folder");
    }

    [Test]
    public void ARunFolderRenamedDuringTrainingStopsTheRunNamingItsNewPlace_WhoseRunJsonSaysHowItEnded()
    {
        (string[] data, Process process, Task<string> stdout, Task<string> stderr, string folder) = TrainPastTheFirstEpoch();
        using Process running = process;
        string renamed = _dir.Combine("my-best-run");
        Directory.Move(folder, renamed);
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "the run went on without its folder");
        var result = new HostResult(process.ExitCode, stdout.Result, stderr.Result);

        string line = StoppedWithOneLine(result, $"The run folder {folder} was moved to {renamed} while the run trained in it; training stopped without writing into it again.");
        Assert.That(Directory.Exists(folder), Is.False, "nothing rebuilt the old path");
        RunStatus status = RunStatus.TryRead(renamed)!;
        Assert.That(status.State, Is.EqualTo(RunStatus.Failed), "not left 'running'");
        Assert.That(status.Sessions[^1].Ended, Is.Not.Null);

        // The network as it stood is newer than any checkpoint (every 1000 epochs): the printed command continues from it in
        // the folder where it is now, not in a new one beside a run cut in two.
        string rescued = System.Text.RegularExpressions.Regex.Match(line, @"is kept as a resume point \((\S+)\): train --resume (\S+) continues from it in the run's folder where it is now\.$").Groups[1].Value;
        Assert.That(line, Does.EndWith($"train --resume {renamed} continues from it in the run's folder where it is now."));
        Assert.That(status.Sessions[^1].ResumePoint, Is.EqualTo(rescued));
        Checkpoint checkpoint = CheckpointFile.Load(rescued);
        AssertTheEpochThatFoundItGoneIsLogged(result, checkpoint);
        string history = Path.Combine(renamed, "history.csv");
        int epochs = File.ReadAllLines(history).Length;
        using Process resumed = Process.Start(HostProcess.StartInfo(["train", .. data, "--Progress:Enabled=false", "--Checkpoints:EveryEpochs=1000", "--Training:Epochs=100000", "--resume", renamed], _dir.Path))!;
        Task<string> resumedOut = resumed.StandardOutput.ReadToEndAsync();
        Task<string> resumedErr = resumed.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !resumed.HasExited && File.ReadAllLines(history).Length <= epochs)
        {
            Thread.Sleep(5);
        }

        resumed.Kill();
        resumed.WaitForExit();
        Assert.That(resumedOut.Result, Does.Contain($"Resuming {rescued} at epoch {checkpoint.Epoch}, batch {checkpoint.Batch}").And.Contain($"continues in {renamed}"), resumedErr.Result);
        Assert.That(RunFolders(), Is.Empty, "no new run folder");
    }

    [Test]
    public void AHistoryThatCannotBeWrittenMidRunStopsTrainingWithOneLineAndKeepsTheLastResumePoint()
    {
        (Process process, Task<string> stdout, Task<string> stderr, string checkpoints) = StartCheckpointing(Train("--Training:Epochs=100000"));
        using (process)
        {
            // A folder takes history.csv's name, as a file system that refuses the write would.
            string history = Path.Combine(Path.GetDirectoryName(checkpoints)!, "history.csv");
            File.Delete(history);
            Directory.CreateDirectory(history);
            Assert.That(process.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "training went on while its history could not be written");
            var result = new HostResult(process.ExitCode, stdout.Result, stderr.Result);

            string line = StoppedWithOneLine(result, $"Could not write {history}: it is a directory");
            Assert.That(line, Does.Contain("it is a directory, not a regular file, and is left as it is. The last resume point is kept: move it out of the way, then continue with: train --resume "));
            Assert.That(result.Output, Does.Not.Contain("training goes on").And.Not.Contain("Reports written"));
            Assert.That(RunStatus.TryRead(Path.GetDirectoryName(checkpoints)!)!.State, Is.EqualTo(RunStatus.Failed));
        }
    }

    [Test]
    public void ARunDirectoryTooLongForTheCheckpointsIsOneLineBeforeAnyEpochAndLeavesNoRunFolder()
    {
        // Room for the start-up probe's short name, not for runs/ID/checkpoints/ckpt-eEEEE-bBBBBBB.ckpt.PID.tmp.
        string runs = _dir.Path;
        while (runs.Length + 201 < 4030)
        {
            runs = Path.Combine(runs, new string('a', 200));
        }

        runs = Path.Combine(runs, new string('r', 4030 - runs.Length - 1));
        Directory.CreateDirectory(runs);

        HostResult result = HostProcess.Run(Train("--Training:Epochs=2", $"--Run:Directory={runs}"), _dir.Path);

        HostAssert.OneLine(result, 2, "Cannot start the run: Checkpoints:Directory", "cannot be written: path or file name too long");
        Assert.That(Directory.GetFileSystemEntries(runs), Is.Empty, "no run folder is left behind");
    }

    /// <summary>
    /// Starts a long run on epochs of about 0.1 s whose writes take well under a millisecond, and returns once its first
    /// epoch is written and the next is training: the check at each epoch's end comes before its writes, and a change to
    /// the folder between the two (a millisecond) is not seen until the next epoch.
    /// </summary>
    private (string[] Data, Process Process, Task<string> Stdout, Task<string> Stderr, string Folder) TrainPastTheFirstEpoch()
    {
        string[] data = SyntheticIdx.Write(_dir.Combine("big"), side: 28, hidden: 128, trainRows: 6000, testRows: 100);
        Process process = Process.Start(HostProcess.StartInfo(["train", .. data, "--Progress:Enabled=false", "--Checkpoints:EveryEpochs=1000", "--Training:Epochs=100000"], _dir.Path))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string? folder = null;
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited && (folder = RunFolders().FirstOrDefault(f => File.Exists(Path.Combine(f, "history.csv")))) is null)
        {
            Thread.Sleep(5);
        }

        Assert.That(folder, Is.Not.Null, "the run never finished an epoch");
        Thread.Sleep(20);
        return (data, process, stdout, stderr, folder!);
    }

    // The folder is checked at each epoch's end, after the epoch trained and was scored: the network kept is the next epoch's
    // start, and the epoch that found the folder gone prints its line like every one before it.
    private static void AssertTheEpochThatFoundItGoneIsLogged(HostResult result, Checkpoint checkpoint)
    {
        Assert.That(checkpoint.Batch, Is.Zero, "found at an epoch's end");
        Assert.That(result.Stdout, Does.Contain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"epoch={checkpoint.Epoch - 1:000} train_loss=")), result.ToString());
    }

    /// <summary>Exit 8, no stack trace, and one line about the failure (the epochs before it print theirs); returns that line.</summary>
    private static string StoppedWithOneLine(HostResult result, string text)
    {
        Assert.That(result.ExitCode, Is.EqualTo(8), result.ToString());
        HostAssert.NoStackTrace(result);
        string[] failures = [.. result.Lines.Where(l => l.Contains("Could not", StringComparison.Ordinal) || l.Contains("removed, moved or replaced", StringComparison.Ordinal) || l.Contains("was moved to", StringComparison.Ordinal))];
        Assert.That(failures, Has.Length.EqualTo(1), result.ToString());
        Assert.That(failures[0], Does.Contain(text), result.ToString());
        return failures[0];
    }

    /// <summary>Starts a long run and waits until it has written a resume point; returns its checkpoint folder.</summary>
    private (Process Process, Task<string> Stdout, Task<string> Stderr, string Checkpoints) StartCheckpointing(string[] args)
    {
        Process process = Process.Start(HostProcess.StartInfo(args, _dir.Path))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        string? checkpoints = null;
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            checkpoints = RunFolders().Select(f => Path.Combine(f, "checkpoints")).FirstOrDefault(Directory.Exists);
            if (checkpoints is not null && new CheckpointDirectory(checkpoints, 1).Latest() is not null)
            {
                break;
            }

            Thread.Sleep(5);
        }

        Assert.That(checkpoints, Is.Not.Null, "the run never wrote a checkpoint");
        return (process, stdout, stderr, checkpoints!);
    }

    /// <summary>Starts a long run, sends Ctrl+C (SIGINT, or <paramref name="signal"/>) once it has a resume point, and returns the checkpoint its message names.</summary>
    // Resumes from CHECKPOINT until the run folder it starts (not FOLDER) has trained an epoch, then stops it.
    private (string Stdout, string Stderr) ResumeUntilANewFolderTrains(string checkpoint, string folder)
    {
        using Process resumed = Process.Start(HostProcess.StartInfo(["train", "--Progress:Enabled=false", "--resume", checkpoint], _dir.Path))!;
        Task<string> stdout = resumed.StandardOutput.ReadToEndAsync();
        Task<string> stderr = resumed.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !resumed.HasExited && !RunFolders().Any(f => f != folder && File.Exists(Path.Combine(f, "history.csv"))))
        {
            Thread.Sleep(5);
        }

        resumed.Kill();
        resumed.WaitForExit();
        return (stdout.Result, stderr.Result);
    }

    private (string Checkpoint, string Folder) Interrupt(string[] args, int signal = HostProcess.SigInt)
    {
        string[] before = RunFolders();
        using Process process = Process.Start(HostProcess.StartInfo(args, _dir.Path))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        string? folder = null;
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            folder = RunFolders().Except(before).FirstOrDefault();
            // A resume point in the run's checkpoints; with checkpoints off (no such folder), a finished epoch.
            if (folder is not null && (new CheckpointDirectory(Path.Combine(folder, "checkpoints"), 1).Latest() is not null
                || (File.Exists(Path.Combine(folder, "history.csv")) && !Directory.Exists(Path.Combine(folder, "checkpoints")))))
            {
                break;
            }

            Thread.Sleep(1);
        }

        Assert.That(process.HasExited, Is.False, "the run ended before it could be interrupted; give it more epochs");
        HostProcess.Interrupt(process, signal);

        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(30)), Is.True);
        var result = new HostResult(process.ExitCode, stdout.Result, stderr.Result);
        Assert.That(result.ExitCode, Is.EqualTo(130), result.ToString());
        Match match = ResumeCommand().Match(result.Output);
        Assert.That(match.Success, Is.True, result.ToString());
        Assert.That(match.Groups[2].Value, Is.EqualTo(folder), "the printed command resumes the run's folder, which finds the point saved");
        Assert.That(RunStatus.TryRead(folder!)!.State, Is.EqualTo(RunStatus.Interrupted));
        return (match.Groups[1].Value, folder!);
    }

    private static Dictionary<string, JsonElement> Config(string folder) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(Path.Combine(folder, "config.json")))!;

    private static (string Value, string Source) Entry(Dictionary<string, JsonElement> keys, string key) =>
        (keys[key].GetProperty("value").GetString()!, keys[key].GetProperty("source").GetString()!);

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != RunFolder.LockFileName)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => SHA256.HashData(File.ReadAllBytes(f)));

    [GeneratedRegex(@"saved (\S+\.ckpt)\. Resume with: train --resume (\S+)")]
    private static partial Regex ResumeCommand();

    [GeneratedRegex(@"^ckpt-e(\d+)-b\d+\.ckpt$")]
    private static partial Regex EpochOf();
}
