using ScratchNet.Files;
using ScratchNet.Host.Runs;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Runs;

public sealed class RunFolderSelectionTests
{
    private const string Id = "20261126T000000Z-00000001";

    private TempDirectory _dir = null!;
    private string _run = null!;
    private string _checkpoint = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _run = Path.Combine(RealPath.Of(_dir.Path), "runs", Id);
        string checkpoints = Path.Combine(_run, "checkpoints");
        Directory.CreateDirectory(checkpoints);
        new RunStatus { Id = Id, Checkpoints = checkpoints, State = RunStatus.Interrupted }.Write(_run);
        _checkpoint = Path.Combine(checkpoints, "ckpt-e0015-b001269.ckpt");
        File.WriteAllText(_checkpoint, "a checkpoint");
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    // --resume /dev/null was read only once the run began: a timestamped log line, "Checkpoint unusable: The checkpoint …".
    [Test]
    public void ADeviceGivenForTheCheckpoint_IsRefusedBeforeTheRun_AsAMissingOneIs()
    {
        var e = Assert.Throws<ScratchNet.Training.Checkpoints.CheckpointException>(() => RunFolderSelection.Select(_dir.Combine("runs"), "/dev/null", "checkpoints", DateTime.UtcNow));

        Assert.That(e!.Message, Is.EqualTo("the checkpoint /dev/null is a character device, not a regular file; give the path of a .ckpt file, or --resume alone for the most recent interrupted run"));
    }

    [Test]
    public void ACheckpointGivenByItsPathContinuesItsRun() =>
        Assert.That(Select(_checkpoint), Is.EqualTo((_run, true)));

    [Test]
    public void ARescueInTheTempFolderContinuesItsRunWhileThatRunsFolderIsThere_ElseANewOne()
    {
        const string id = "20261126-000000-0000000b";
        string root = Path.Combine(RealPath.Of(_dir.Path), "runs");
        string run = Path.Combine(root, id);
        Directory.CreateDirectory(run);
        new RunStatus { Id = id, State = RunStatus.Failed }.Write(run);
        string rescue = _dir.Combine(RescuePoint.FileName(id, 5, 12));
        File.WriteAllText(rescue, "a checkpoint");

        RunFolder kept = RunFolderSelection.Select(root, rescue, "checkpoints", DateTime.UtcNow);
        Assert.That((kept.Path, kept.Continues), Is.EqualTo((run, true)));

        Directory.Delete(run, recursive: true);
        RunFolder fresh = RunFolderSelection.Select(root, rescue, "checkpoints", DateTime.UtcNow);
        Assert.That((Path.GetDirectoryName(fresh.Path), fresh.Continues, fresh.RescuedFor), Is.EqualTo((root, false, id)), "its folder is gone: a new one, naming the folder it was kept for");
    }

    [Test]
    public void ResumeAloneFindsTheRescueOfAnInterruptedRunThatKeptNoCheckpoints()
    {
        // Checkpoints off: Ctrl+C kept the network only in the temp folder.
        string id = RunFolder.NewId(DateTime.UtcNow);
        string root = Path.Combine(RealPath.Of(_dir.Path), "other-runs");
        string run = Path.Combine(root, id);
        Directory.CreateDirectory(run);
        new RunStatus { Id = id, State = RunStatus.Interrupted }.Write(run);
        string older = Path.Combine(Path.GetTempPath(), RescuePoint.FileName(id, 3, 0));
        string newer = Path.Combine(Path.GetTempPath(), RescuePoint.FileName(id, 3, 140));
        File.WriteAllText(older, "a checkpoint");
        File.WriteAllText(newer, "a checkpoint");
        try
        {
            Assert.That(RunFolderSelection.LatestInterrupted(root, "checkpoints"), Is.EqualTo((run, newer)));
        }
        finally
        {
            File.Delete(older);
            File.Delete(newer);
        }
    }

    [TestCase("scratchnet-20261126-205120-26573760-ckpt-e0005-b000000.ckpt", "20261126-205120-26573760")]
    [TestCase("scratchnet-20261126-205120-26573760-ckpt-e0005-b000000-2.ckpt", "20261126-205120-26573760")]
    [TestCase("scratchnet-my-run-ckpt-2-ckpt-e0005-b000000.ckpt", "my-run-ckpt-2")]
    [TestCase("scratchnet-20261126-205120-26573760-model.snm", null)]
    [TestCase("ckpt-e0005-b000000.ckpt", null)]
    public void ARescueFileNamesItsRunsFolder(string name, string? folder) => Assert.That(RescuePoint.FolderName(name), Is.EqualTo(folder));

    [Test]
    public void ALinkToARunsCheckpointContinuesThatRunNotANewOneBesideTheLink()
    {
        string link = _dir.Combine("link.ckpt");
        File.CreateSymbolicLink(link, _checkpoint);

        Assert.That(Select(link), Is.EqualTo((_run, true)));
    }

    [Test]
    public void ACheckpointReachedThroughALinkedFolderContinuesThatRun()
    {
        string linked = _dir.Combine("latest-run");
        Directory.CreateSymbolicLink(linked, _run);

        RunFolder folder = RunFolderSelection.Select(_dir.Combine("elsewhere"), Path.Combine(linked, "checkpoints", Path.GetFileName(_checkpoint)), "checkpoints", DateTime.UtcNow);

        Assert.That((RealPath.Of(folder.Path), folder.Continues), Is.EqualTo((_run, true)), "the run's own folder, by whichever path");
        Assert.That(folder.Id, Is.EqualTo(Path.GetFileName(_run)), "named by its id, not by the link's name");
    }

    [Test]
    public void ALinkedCheckpointFolderIsNamedByItsRealCheckpoint()
    {
        string linked = _dir.Combine("ck-link");
        Directory.CreateSymbolicLink(linked, Path.GetDirectoryName(_checkpoint)!);

        var error = Assert.Throws<ScratchNet.Training.Checkpoints.CheckpointException>(() => Select(linked));

        Assert.That(error!.Message, Does.Contain($"--resume {_checkpoint}"), "the hint continues the run in place");
    }

    [Test]
    public void ACopyOfARunFolderResumesFromItsOwnCheckpoints_NeverTheOriginals()
    {
        // run.json of a run written before checkpoint folders were recorded relative names the original's folder.
        string copies = Path.Combine(RealPath.Of(_dir.Path), "runs-copy");
        string copy = Path.Combine(copies, Id);
        CopyTree(_run, copy);
        string own = Path.Combine(copy, "checkpoints", Path.GetFileName(_checkpoint));

        Assert.That(RunFolderSelection.LatestInterrupted(copies, "checkpoints"), Is.EqualTo((copy, own)));
        RunFolder folder = RunFolderSelection.Select(copies, own, "checkpoints", DateTime.UtcNow);
        Assert.That((folder.Path, folder.Continues, folder.CheckpointFolder("checkpoints", keepOwn: true)), Is.EqualTo((copy, true, Path.Combine(copy, "checkpoints"))));
    }

    [Test]
    public void ARenamedRunsFolderResumesItsRunsInPlace()
    {
        string runs = Path.GetDirectoryName(_run)!;
        string renamed = Path.Combine(RealPath.Of(_dir.Path), "sweep-lr");
        Directory.Move(runs, renamed);
        string moved = Path.Combine(renamed, Id);

        Assert.That(RunFolderSelection.LatestInterrupted(renamed, "checkpoints"), Is.EqualTo((moved, Path.Combine(moved, "checkpoints", Path.GetFileName(_checkpoint)))));
    }

    [Test]
    public void ACheckpointFolderInsideTheRunIsRecordedRelativeToIt_OneOutsideAsItIs()
    {
        Assert.That(RunStatus.Record(_run, Path.Combine(_run, "checkpoints")), Is.EqualTo("checkpoints"));
        Assert.That(RunStatus.Record(_run, _dir.Combine("ck")), Is.EqualTo(_dir.Combine("ck")));
        Assert.That(RunStatus.Record(_run, null), Is.Null);
        Assert.That(new RunStatus { Id = Id, Checkpoints = "checkpoints" }.CheckpointFolderOf(_run), Is.EqualTo(Path.Combine(_run, "checkpoints")));
        Assert.That(new RunStatus { Id = Id, Checkpoints = _dir.Combine("ck") }.CheckpointFolderOf(_run), Is.EqualTo(_dir.Combine("ck")));
    }

    [Test]
    public void ARunFolderGivenToResumeContinuesFromItsNewestResumePoint_InThatFolder()
    {
        string newer = Path.Combine(_run, "checkpoints", "ckpt-e0016-b000000.ckpt");
        File.WriteAllText(newer, "a checkpoint");

        RunFolder folder = RunFolderSelection.RunAt(_run, "checkpoints")!;

        Assert.That((folder.Path, folder.ResumeCheckpoint, folder.Continues), Is.EqualTo((_run, newer, true)));
        Assert.That(RunFolderSelection.RunAt(_dir.Path, "checkpoints"), Is.Null, "a folder that is no run");
    }

    [TestCase("/")]
    [TestCase("//")]
    [TestCase("/.")]
    public void ARunFolderGivenWithATrailingSeparator_IsTheSameRunFolder(string tail)
    {
        string newer = Path.Combine(_run, "checkpoints", "ckpt-e0016-b000000.ckpt");
        File.WriteAllText(newer, "a checkpoint");

        RunFolder folder = RunFolderSelection.RunAt(_run + tail, "checkpoints")!;

        Assert.That((folder.Path, folder.Id, folder.ResumeCheckpoint), Is.EqualTo((_run, Id, newer)), "as shell completion writes it: runs/ID/");
        Assert.That(new RunFolder(_run + tail, continues: true).Id, Is.EqualTo(Id));
    }

    [Test]
    public void ALinkLeftWhereARunWasThatLeadsNowhereNow_IsNamedAsSuch_NotAsAMissingCheckpoint()
    {
        string link = _dir.Combine("left-behind");
        File.CreateSymbolicLink(link, _dir.Combine("moved-on-again"));

        Assert.That(() => RunFolderSelection.Select(_dir.Combine("runs"), link, "checkpoints", DateTime.UtcNow),
            Throws.InstanceOf<ScratchNet.Training.Checkpoints.CheckpointException>().With.Message.StartsWith($"{link} is a link to {_dir.Combine("moved-on-again")}, which does not exist; give where the run folder or checkpoint is now"));
    }

    [Test]
    public void ARunFolderWithoutAResumePointIsRefusedSayingSo()
    {
        foreach (string checkpoint in Directory.GetFiles(Path.Combine(_run, "checkpoints")))
        {
            File.Delete(checkpoint);
        }

        Assert.That(() => RunFolderSelection.RunAt(_run, "checkpoints"),
            Throws.InstanceOf<ScratchNet.Training.Checkpoints.CheckpointException>().With.Message.Contains($"the run in {_run} has no resume point to continue from"));
        Assert.That(() => RunFolderSelection.Select(Path.GetDirectoryName(_run)!, _run, "checkpoints", DateTime.UtcNow),
            Throws.InstanceOf<ScratchNet.Training.Checkpoints.CheckpointException>().With.Message.Contains($"the run in {_run} has no resume point to continue from"));
    }

    [TestCase(null, "is missing")]
    [TestCase("", "is damaged (")]
    [TestCase("{\"id\": \"2026", "is damaged (")]
    [TestCase("null", "is damaged (it holds null, not a run's record)")]
    [TestCase("[]", "is damaged (")]
    public void ARunFolderWhoseRunJsonIsMissingOrDamaged_SaysSo_AndNamesItsNewestResumePoint(string? content, string problem)
    {
        string newer = Path.Combine(_run, "checkpoints", "ckpt-e0016-b000000.ckpt");
        File.WriteAllText(newer, "a checkpoint");
        string status = Path.Combine(_run, RunStatus.FileName);
        if (content is null)
        {
            File.Delete(status);
        }
        else
        {
            File.WriteAllText(status, content);
        }

        string root = Path.GetDirectoryName(_run)!;
        string says = $"its run.json {problem}";
        string remedy = $"its newest resume point may be intact: train --resume {newer} goes on from it in a new run folder, leaving this one as it is";
        Assert.That(() => RunFolderSelection.Select(root, _run, "checkpoints", DateTime.UtcNow),
            Throws.InstanceOf<RunFolderException>().With.Message.StartsWith($"the run in {_run} cannot be continued in place: {says}").And.Message.EndsWith(remedy));
        Assert.That(() => RunFolderSelection.Select(root, RunFolderSelection.Latest, "checkpoints", DateTime.UtcNow),
            Throws.InstanceOf<ScratchNet.Training.Checkpoints.CheckpointException>().With.Message.Contains($"but the run in {_run} was passed over because {says}").And.Message.EndsWith(remedy));

        RunFolder fresh = RunFolderSelection.Select(root, newer, "checkpoints", DateTime.UtcNow);
        Assert.That((Path.GetDirectoryName(fresh.Path), fresh.Path == _run, fresh.Continues, fresh.ResumeCheckpoint), Is.EqualTo((root, false, false, newer)), "the command it names works");
    }

    [Test]
    public void ResumeAloneInARunsFolderThatDoesNotExist_IsNothingToResume()
    {
        Assert.That(() => RunFolderSelection.Select(_dir.Combine("no-runs-here"), RunFolderSelection.Latest, "checkpoints", DateTime.UtcNow),
            Throws.InstanceOf<ScratchNet.Training.Checkpoints.CheckpointException>().With.Property("NothingToResume").True.And.Message.EndsWith("give a file with --resume FILE"));
    }

    [TestCase(RunStatus.Finished, "finished, so there is nothing to continue; evaluate its model with evaluate --model")]
    [TestCase(RunStatus.Diverged, "diverged (its loss stopped being finite), and resuming it would diverge again")]
    public void AFinishedOrDivergedRunFolderIsNotResumedButSaysWhatToDoInstead(string state, string says)
    {
        new RunStatus { Id = Id, Checkpoints = "checkpoints", State = state }.Write(_run);

        Assert.That(() => RunFolderSelection.RunAt(_run, "checkpoints"), Throws.InstanceOf<RunFolderException>().With.Message.Contains($"the run in {_run} {says}"));
    }

    [Test]
    public void ARescueNewerThanTheRunsLastCheckpointIsWhereItContinues()
    {
        // A full disk stopped the run at epoch 17, batch 40; its last checkpoint is epoch 15's.
        string rescue = Path.Combine(Path.GetTempPath(), RescuePoint.FileName(Id, 17, 40));
        File.WriteAllText(rescue, "a checkpoint");
        try
        {
            new RunStatus { Id = Id, Checkpoints = "checkpoints", State = RunStatus.Failed, Sessions = [new RunSession { Started = DateTime.UtcNow.AddHours(-1), Ended = DateTime.UtcNow, ResumePoint = rescue }] }.Write(_run);

            Assert.That(RunFolderSelection.RunAt(_run, "checkpoints")!.ResumeCheckpoint, Is.EqualTo(rescue));
        }
        finally
        {
            File.Delete(rescue);
        }
    }

    [Test]
    public void ANewerResumePointThatIsGoneIsNamed_SoTheResumeCanSayWhatItRedoes()
    {
        string gone = Path.Combine(Path.GetTempPath(), RescuePoint.FileName(Id, 17, 40));
        new RunStatus { Id = Id, Checkpoints = "checkpoints", State = RunStatus.Failed, Sessions = [new RunSession { Started = DateTime.UtcNow.AddHours(-1), Ended = DateTime.UtcNow, ResumePoint = gone }] }.Write(_run);

        RunFolder folder = RunFolderSelection.RunAt(_run, "checkpoints")!;

        Assert.That((folder.ResumeCheckpoint, folder.GoneNewer), Is.EqualTo((_checkpoint, gone)));
    }

    [Test]
    public void ACopyAndItsOriginalEachContinueFromTheRescueTheirOwnRunJsonNames()
    {
        // Checkpoints off. The original was interrupted at epoch 3 and copied to another runs folder under the same name;
        // the copy then trained on and was interrupted at epoch 6: both rescues are named after the one folder name.
        string id = RunFolder.NewId(DateTime.UtcNow);
        string original = Path.Combine(RealPath.Of(_dir.Path), "runs-a", id);
        string copy = Path.Combine(RealPath.Of(_dir.Path), "runs-b", id);
        string renamedCopy = Path.Combine(RealPath.Of(_dir.Path), "runs-a", "lr-0.1");
        string atThree = Path.Combine(Path.GetTempPath(), RescuePoint.FileName(id, 3, 0));
        string atSix = Path.Combine(Path.GetTempPath(), RescuePoint.FileName(id, 6, 0));
        try
        {
            Directory.CreateDirectory(original);
            File.WriteAllText(atThree, "a checkpoint");
            RunSession first = new() { Started = DateTime.UtcNow.AddMinutes(-10), Ended = DateTime.UtcNow.AddMinutes(-9), State = RunStatus.Interrupted, ResumePoint = atThree };
            new RunStatus { Id = id, State = RunStatus.Interrupted, Sessions = [first] }.Write(original);
            CopyTree(original, copy);
            CopyTree(original, renamedCopy);
            File.WriteAllText(atSix, "a checkpoint");
            new RunStatus { Id = id, State = RunStatus.Interrupted, Sessions = [first, new() { Started = DateTime.UtcNow.AddMinutes(-5), Ended = DateTime.UtcNow, State = RunStatus.Interrupted, ResumedFrom = atThree, ResumePoint = atSix }] }.Write(copy);

            Assert.That(RunFolderSelection.RunAt(original, "checkpoints")!.ResumeCheckpoint, Is.EqualTo(atThree), "not the copy's later rescue");
            Assert.That(RunFolderSelection.RunAt(copy, "checkpoints")!.ResumeCheckpoint, Is.EqualTo(atSix));
            Assert.That(RunFolderSelection.RunAt(renamedCopy, "checkpoints")!.ResumeCheckpoint, Is.EqualTo(atThree), "a copy renamed beside its original has the rescue it was copied with");
            Assert.That(RunFolderSelection.Owner(atSix, Path.GetDirectoryName(original)!), Is.Null, "the copy's rescue is no point of the original's");
            Assert.That(RunFolderSelection.Owner(atSix, Path.GetDirectoryName(copy)!), Is.EqualTo(copy));
        }
        finally
        {
            File.Delete(atThree);
            File.Delete(atSix);
        }
    }

    [Test]
    public void AfterAKillTheOriginalSkipsTheRescueACopyOfTheSameNameLeft_SayingSo_AndAMovedFolderKeepsItsOwn()
    {
        // Checkpoints off. The original, resumed from its rescue at epoch 5, was killed (kill -9: its run.json records no
        // end); a copy of it in another runs folder (cp -a keeps the name) then trained to epoch 7 and was interrupted.
        string id = RunFolder.NewId(DateTime.UtcNow);
        string original = Path.Combine(RealPath.Of(_dir.Path), "runs-a", id);
        string copy = Path.Combine(RealPath.Of(_dir.Path), "runs-b", id);
        string atFive = Path.Combine(Path.GetTempPath(), RescuePoint.FileName(id, 5, 0));
        string copys = Path.Combine(Path.GetTempPath(), RescuePoint.FileName(id, 7, 669));
        try
        {
            Directory.CreateDirectory(original);
            File.WriteAllText(atFive, "a checkpoint");
            RescueOwner.Write(atFive, FileIdentity.Of(original), original);
            RunSession first = new() { Started = DateTime.UtcNow.AddMinutes(-10), Ended = DateTime.UtcNow.AddMinutes(-9), State = RunStatus.Interrupted, ResumePoint = atFive };
            RunSession killed = new() { Started = DateTime.UtcNow.AddMinutes(-8), ResumedFrom = atFive };
            new RunStatus { Id = id, State = RunStatus.Running, Sessions = [first, killed] }.Write(original);
            CopyTree(original, copy);
            File.WriteAllText(copys, "a checkpoint");
            RescueOwner.Write(copys, FileIdentity.Of(copy), copy);

            RunFolder resumed = RunFolderSelection.RunAt(original, "checkpoints")!;
            Assert.That((resumed.ResumeCheckpoint, resumed.SkippedRescue), Is.EqualTo((atFive, ((string, string)?)(copys, copy))), "its own point, naming the copy's it skips");
            Assert.That(RunFolderSelection.Owner(copys, Path.GetDirectoryName(original)!), Is.Null, "--resume FILE of the copy's rescue does not continue the original");

            // Had the original left it (its session killed after the rescue was written), then been renamed: still its own.
            RescueOwner.Write(copys, FileIdentity.Of(original), original);
            string renamed = Path.Combine(RealPath.Of(_dir.Path), "runs-a", "renamed");
            Directory.Move(original, renamed);
            Assert.That(RunFolderSelection.RunAt(renamed, "checkpoints")!.ResumeCheckpoint, Is.EqualTo(copys));
        }
        finally
        {
            RescueOwner.Delete(atFive);
            RescueOwner.Delete(copys);
        }
    }

    [Test]
    public void ARescueWithoutIdentityIsToldByItsPlace()
    {
        string rescue = _dir.Combine(RescuePoint.FileName(Id, 3, 0));
        File.WriteAllText(rescue, "a checkpoint");
        Assert.That(RescueOwner.Belongs(rescue, _run), Is.Null, "no sidecar (an older rescue): it does not say");

        RescueOwner.Write(rescue, identity: null, _run);
        Assert.That((RescueOwner.Belongs(rescue, _run), RescueOwner.Belongs(rescue, Path.Combine(_dir.Path, "copy", Id))), Is.EqualTo((true, false)));
    }

    [Test]
    public void ARescueWhoseRecordIsDamagedIsTakenForAnotherFolders_NeverResumedOrPrunedAsThisOnes()
    {
        string rescue = _dir.Combine(RescuePoint.FileName(Id, 3, 0));
        File.WriteAllText(rescue, "a checkpoint");
        foreach (string damaged in new[] { "", "\n", "garbage" })
        {
            File.WriteAllText(RescueOwner.PathOf(rescue), damaged);
            Assert.That(RescueOwner.Belongs(rescue, _run), Is.False, $"a sidecar reading '{damaged}'");
            Assert.That(RescueOwner.Place(rescue), Does.Contain("damaged"));
        }
    }

    [Test]
    public void AFolderRestoredFromAnOlderBackupSaysItsResumeSkipsAheadOfItsRecord()
    {
        // The backup was taken when the run had been interrupted after epoch 7; its checkpoint folder went on to epoch 14
        // and pruned the point the restored run.json names.
        File.WriteAllLines(Path.Combine(_run, "history.csv"), ["epoch,loss", .. Enumerable.Range(1, 7).Select(e => $"{e},0.5")]);
        string named = Path.Combine(_run, "checkpoints", "ckpt-e0008-b000000.ckpt");
        RunSession ended = new() { Started = DateTime.UtcNow.AddHours(-1), Ended = DateTime.UtcNow.AddMinutes(-50), State = RunStatus.Interrupted, ResumePoint = named };
        new RunStatus { Id = Id, Checkpoints = "checkpoints", State = RunStatus.Interrupted, Sessions = [ended] }.Write(_run);

        Assert.That(RunFolderSelection.RunAt(_run, "checkpoints")!.AheadOfRecord, Is.EqualTo(7), "epoch 15 is past what run.json and history.csv record");

        File.WriteAllText(named, "a checkpoint");
        Assert.That(RunFolderSelection.RunAt(_run, "checkpoints")!.AheadOfRecord, Is.EqualTo(7), "even where the point the record names is still there");

        File.WriteAllLines(Path.Combine(_run, "history.csv"), ["epoch,loss", .. Enumerable.Range(1, 14).Select(e => $"{e},0.5")]);
        new RunStatus { Id = Id, Checkpoints = "checkpoints", State = RunStatus.Interrupted, Sessions = [new RunSession { Started = ended.Started }] }.Write(_run);
        Assert.That(RunFolderSelection.RunAt(_run, "checkpoints")!.AheadOfRecord, Is.Null, "a session killed after its checkpoint of epoch 15, before that epoch's row");
    }

    [Test]
    public void ACopyOfARunWithCheckpointsOutsideGoesOnInItsOwnCheckpointFolder_NeverPruningOrContinuingTheOriginals()
    {
        string id = RunFolder.NewId(DateTime.UtcNow);
        string ck = _dir.Combine("ck");
        string theirs = Path.Combine(ck, id);
        string original = Path.Combine(RealPath.Of(_dir.Path), "runs", id);
        Directory.CreateDirectory(theirs);
        Directory.CreateDirectory(original);
        string atFive = Path.Combine(theirs, "ckpt-e0005-b000000.ckpt");
        File.WriteAllText(atFive, "a checkpoint");
        new RunStatus { Id = id, Checkpoints = theirs, State = RunStatus.Interrupted, Sessions = [new() { Started = DateTime.UtcNow.AddMinutes(-1), Ended = DateTime.UtcNow, ResumePoint = atFive }] }.Write(original);
        string copy = Path.Combine(RealPath.Of(_dir.Path), "runs", "copy");
        CopyTree(original, copy);

        // The original went on to epoch 9 after the copy was made.
        File.WriteAllText(Path.Combine(theirs, "ckpt-e0009-b000000.ckpt"), "a checkpoint");

        RunFolder branch = RunFolderSelection.RunAt(copy, "checkpoints")!;
        Assert.That(branch.CopyOf(RunStatus.TryRead(copy)!), Is.EqualTo(original));
        Assert.That((branch.Path, branch.ResumeCheckpoint), Is.EqualTo((copy, atFive)), "where the copy was made, not where the original went on to");
        Assert.That(branch.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(Path.Combine(ck, "copy")));
        Assert.That(new RunFolder(copy, atFive, continues: true).CheckpointFolder(ck), Is.EqualTo(Path.Combine(ck, "copy")), "a Checkpoints:Directory given again, too");

        RunFolder own = RunFolderSelection.RunAt(original, "checkpoints")!;
        Assert.That(own.CopyOf(RunStatus.TryRead(original)!), Is.Null);
        Assert.That(own.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(theirs));
        Assert.That(RunFolderSelection.Select(Path.GetDirectoryName(copy)!, atFive, "checkpoints", DateTime.UtcNow).Path, Is.EqualTo(original), "its checkpoint, given as a file, is still the original's");
    }

    [Test]
    public void ACopyNamedLikeItsOriginalBranchesIntoANumberedCheckpointFolder()
    {
        string id = RunFolder.NewId(DateTime.UtcNow);
        string theirs = Path.Combine(_dir.Combine("ck"), id);
        string original = Path.Combine(RealPath.Of(_dir.Path), "runs", id);
        Directory.CreateDirectory(theirs);
        Directory.CreateDirectory(original);
        new RunStatus { Id = id, Checkpoints = theirs, State = RunStatus.Interrupted }.Write(original);
        string copy = Path.Combine(RealPath.Of(_dir.Path), "runs-copy", id);
        CopyTree(original, copy);

        Assert.That(new RunFolder(copy, continues: true).CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo($"{theirs}-2"));
    }

    [Test]
    public void ARunMovedOrRenamedWholeKeepsItsCheckpointsOutside_AndFindsThemBesideItWhenTheyMovedToo()
    {
        string id = RunFolder.NewId(DateTime.UtcNow);
        string root = Path.Combine(RealPath.Of(_dir.Path), "sweep");
        string run = Path.Combine(root, "runs", id);
        string ck = Path.Combine(root, "ck", id);
        Directory.CreateDirectory(run);
        Directory.CreateDirectory(ck);
        File.WriteAllText(Path.Combine(ck, "ckpt-e0002-b000000.ckpt"), "a checkpoint");
        new RunStatus { Id = id, Checkpoints = ck, State = RunStatus.Interrupted }.Write(run);

        // Checkpoints:Directory=../ck, and the whole sweep folder renamed.
        string renamed = Path.Combine(RealPath.Of(_dir.Path), "sweep-lr");
        Directory.Move(root, renamed);
        string moved = Path.Combine(renamed, "runs", id);

        RunFolder folder = RunFolderSelection.RunAt(moved, "checkpoints")!;
        Assert.That(folder.CopyOf(RunStatus.TryRead(moved)!), Is.Null, "moved, not copied");
        Assert.That(folder.ResumeCheckpoint, Is.EqualTo(Path.Combine(renamed, "ck", id, "ckpt-e0002-b000000.ckpt")));
        Assert.That(folder.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(Path.Combine(renamed, "ck", id)));
    }

    [Test]
    public void ABackupCopyNeverTakesTheOutsideCheckpointsOfItsOriginal_WhereverTheOriginalWasMovedSince()
    {
        (string id, string original, string theirs) = RunMarkingItsCheckpointsOutside();
        File.WriteAllText(Path.Combine(theirs, "ckpt-e0011-b000358.ckpt"), "a checkpoint");
        new RunStatus { Id = id, Checkpoints = theirs, State = RunStatus.Interrupted }.Write(original);
        File.WriteAllLines(Path.Combine(original, "history.csv"), ["epoch,...", .. Enumerable.Range(1, 10).Select(e => $"{e}")]);
        string backup = Path.Combine(RealPath.Of(_dir.Path), "backup", id);
        CopyTree(original, backup);

        // The original's runs folder renamed: the backup can no longer find it where it was.
        string renamed = Path.Combine(RealPath.Of(_dir.Path), "runs-old", id);
        Directory.Move(Path.GetDirectoryName(original)!, Path.GetDirectoryName(renamed)!);

        Assert.That(RunFolderSelection.RunAt(backup, "checkpoints")!.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo($"{theirs}-2"));
        File.Delete(Path.Combine(backup, "history.csv"));
        Assert.That(() => RunFolderSelection.RunAt(backup, "checkpoints"), Throws.InstanceOf<ScratchNet.Training.Checkpoints.CheckpointException>().With.Message.Contains(
            $"it is a copy of the run whose checkpoints are in {theirs}, none of them at or before where this folder's history ends (epoch 0)"), "its own history says it has not reached them");
        Assert.That(RunFolderSelection.RunAt(renamed, "checkpoints")!.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(theirs), "moved, it is still the owner");
    }

    [Test]
    public void WithoutItsMarker_TheCheckpointFolderStaysWithTheRunFolderThatLastWroteTheRun_NotABackupOfIt()
    {
        (string id, string original, string theirs) = RunMarkingItsCheckpointsOutside();
        File.WriteAllText(Path.Combine(theirs, "ckpt-e0005-b000000.ckpt"), "a checkpoint");
        new RunStatus { Id = id, Checkpoints = theirs, State = RunStatus.Interrupted }.Write(original);
        File.WriteAllLines(Path.Combine(original, "history.csv"), ["epoch,...", "1", "2", "3", "4"]);
        string backup = Path.Combine(RealPath.Of(_dir.Path), "backup", id);
        CopyTree(original, backup);
        string renamed = Path.Combine(RealPath.Of(_dir.Path), "runs-old", id);
        Directory.Move(Path.GetDirectoryName(original)!, Path.GetDirectoryName(renamed)!);

        // The marker lost (deleted, or the checkpoint folder restored from an archive).
        File.Delete(Path.Combine(theirs, CheckpointFolderOwner.FileName));

        Assert.That(RunFolderSelection.RunAt(backup, "checkpoints")!.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo($"{theirs}-2"));
        Assert.That(RunFolderSelection.RunAt(renamed, "checkpoints")!.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(theirs));
    }

    [Test]
    public void AnOutsideCheckpointFolderMovedElsewhereIsFoundThroughCheckpointsDirectoryGivenOnTheResume()
    {
        (string id, string original, string theirs) = RunMarkingItsCheckpointsOutside();
        File.WriteAllText(Path.Combine(theirs, "ckpt-e0009-b000435.ckpt"), "a checkpoint");
        new RunStatus { Id = id, Checkpoints = theirs, State = RunStatus.Interrupted }.Write(original);
        string moved = _dir.Combine("ck2");
        Directory.Move(Path.GetDirectoryName(theirs)!, moved);

        Assert.That(() => RunFolderSelection.RunAt(original, "checkpoints"), Throws.InstanceOf<ScratchNet.Training.Checkpoints.CheckpointException>().With.Message.Contains($"its checkpoint folder {theirs} is not there"));
        RunFolder folder = RunFolderSelection.RunAt(original, moved)!;
        Assert.That(folder.ResumeCheckpoint, Is.EqualTo(Path.Combine(moved, id, "ckpt-e0009-b000435.ckpt")));
        Assert.That(folder.CheckpointFolder(moved), Is.EqualTo(Path.Combine(moved, id)), "and it goes on writing there");
    }

    [Test]
    public void OfTwoCopiesThatChooseTheSameNewCheckpointFolder_OnlyOneGetsIt()
    {
        string ck = _dir.Combine("ck-2");
        Directory.CreateDirectory(_dir.Combine("a"));
        Directory.CreateDirectory(_dir.Combine("b"));

        Assert.That(CheckpointFolderOwner.Claim(ck, _dir.Combine("a")), Is.True);
        Assert.That(CheckpointFolderOwner.Claim(ck, _dir.Combine("b")), Is.False);
        Assert.That(CheckpointFolderOwner.Claim(ck, _dir.Combine("a")), Is.True, "the owner again");
    }

    [Test]
    public void AMarkerHalfRewrittenByAKilledSessionIsTidiedByTheNextClaim()
    {
        string ck = _dir.Combine("ck-3");
        Directory.CreateDirectory(_dir.Combine("a"));
        CheckpointFolderOwner.Claim(ck, _dir.Combine("a"));
        using var killed = System.Diagnostics.Process.Start("true")!;
        killed.WaitForExit();
        string left = AtomicFile.TemporaryPath(Path.Combine(ck, CheckpointFolderOwner.FileName), killed.Id);
        File.WriteAllText(left, "half");

        Assert.That(CheckpointFolderOwner.Claim(ck, _dir.Combine("a")), Is.True);
        Assert.That(File.Exists(left), Is.False);
    }

    [Test]
    public void ACheckpointFolderCopiedAlongWithItsRunsFolderIsTheCopysOwn()
    {
        // Checkpoints:Directory=../ck, and the whole runs folder copied (cp -a runs runs-copy).
        string id = RunFolder.NewId(DateTime.UtcNow);
        string runs = Path.Combine(RealPath.Of(_dir.Path), "tree");
        string original = Path.Combine(runs, id);
        string theirs = Path.Combine(runs, "ck", id);
        Directory.CreateDirectory(original);
        CheckpointFolderOwner.Claim(theirs, original);
        File.WriteAllText(Path.Combine(theirs, "ckpt-e0004-b000000.ckpt"), "a checkpoint");
        new RunStatus { Id = id, Checkpoints = theirs, State = RunStatus.Interrupted }.Write(original);
        string copies = Path.Combine(RealPath.Of(_dir.Path), "tree-copy");
        CopyTree(runs, copies);
        string copy = Path.Combine(copies, id);

        RunFolder folder = RunFolderSelection.RunAt(copy, "checkpoints")!;

        Assert.That(folder.ResumeCheckpoint, Is.EqualTo(Path.Combine(copies, "ck", id, "ckpt-e0004-b000000.ckpt")));
        Assert.That(folder.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(Path.Combine(copies, "ck", id)), "its copy of the checkpoints, not the original's");
    }

    [Test]
    public void ACopyOfARunKilledMidTraining_ResumesFromTheOriginalsPointThatItsOwnHistoryReaches()
    {
        (string id, string original, string theirs) = RunMarkingItsCheckpointsOutside();
        new RunStatus { Id = id, Checkpoints = theirs, State = RunStatus.Running, Sessions = [new RunSession { Started = DateTime.UtcNow }] }.Write(original);
        File.WriteAllLines(Path.Combine(original, "history.csv"), ["epoch,...", "1", "2", "3", "4", "5", "6", "7", "8"]);
        foreach (int epoch in new[] { 7, 8, 9 })
        {
            File.WriteAllText(Path.Combine(theirs, $"ckpt-e{epoch:D4}-b000000.ckpt"), "a checkpoint");
        }

        string backup = Path.Combine(RealPath.Of(_dir.Path), "backup", id);
        CopyTree(original, backup);

        // The original went on afterwards.
        File.WriteAllText(Path.Combine(theirs, "ckpt-e0020-b000000.ckpt"), "a checkpoint");

        Assert.That(RunFolderSelection.RunAt(backup, "checkpoints")!.ResumeCheckpoint, Is.EqualTo(Path.Combine(theirs, "ckpt-e0009-b000000.ckpt")), "eight epochs recorded: the point that begins the ninth");
    }

    [Test]
    public void AResumedRunsFolderGoneBeforeItIsClaimedIsNotCreatedAgain()
    {
        using var folder = new RunFolder(_dir.Combine(Path.Combine("runs", "gone")), _checkpoint, continues: true);

        Assert.That(folder.Claim, Throws.InstanceOf<RunFolderException>().With.Message.Contains("was moved or removed while this resume started"));
        Assert.That(Directory.Exists(folder.Path), Is.False);
    }

    [Test]
    public void ARunStillTrainingIsRefusedBeforeItsResumePointsAreRead()
    {
        using var live = new RunFolder(_run, _checkpoint, continues: true);
        live.Claim();

        Assert.That(() => RunFolderSelection.RunAt(_run, "checkpoints"), Throws.InstanceOf<RunFolderException>().With.Message.Contains("is still training in another process"));
    }

    [Test]
    public void ResumeAloneSkipsALinkToARun_WhichIsListedUnderItsOwnName()
    {
        string root = Path.GetDirectoryName(_run)!;
        Directory.CreateSymbolicLink(Path.Combine(root, "latest"), _run);

        Assert.That(RunFolderSelection.LatestInterrupted(root, "checkpoints")!.Value.Folder, Is.EqualTo(_run));
    }

    [Test]
    public void ALinkLeftInPlaceOfARunFolderMovedElsewhereStandsForTheRealFolder_ByItsFolderItsCheckpointAndResumeAlone()
    {
        // mv runs/ID /data/ID; ln -s /data/ID runs/ID
        string root = Path.GetDirectoryName(_run)!;
        string moved = Path.Combine(RealPath.Of(_dir.Path), "data", Id);
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(_run, moved);
        Directory.CreateSymbolicLink(_run, moved);
        new RunStatus { Id = Id, Checkpoints = "checkpoints", State = RunStatus.Interrupted, Sessions = [new RunSession { Started = DateTime.UtcNow }] }.Write(moved);

        Assert.That(RunFolderSelection.RunAt(_run, "checkpoints")!.Path, Is.EqualTo(moved), "--resume runs/ID");
        Assert.That(RunFolderSelection.Select(root, _checkpoint, "checkpoints", DateTime.UtcNow).Path, Is.EqualTo(moved), "--resume runs/ID/checkpoints/FILE");
        Assert.That(RunFolderSelection.LatestInterrupted(root, "checkpoints")?.Folder, Is.EqualTo(moved), "--resume alone");
    }

    [Test]
    public void ResumesClaimedOneAfterAnotherTakeDifferentRuns()
    {
        string root = Path.GetDirectoryName(_run)!;
        const string older = "20261125-000000-00000002";
        string olderRun = Path.Combine(root, older);
        Directory.CreateDirectory(Path.Combine(olderRun, "checkpoints"));
        new RunStatus { Id = older, Checkpoints = "checkpoints", State = RunStatus.Interrupted, Sessions = [new RunSession { Started = DateTime.UtcNow.AddDays(-1) }] }.Write(olderRun);
        File.WriteAllText(Path.Combine(olderRun, "checkpoints", "ckpt-e0002-b000000.ckpt"), "a checkpoint");
        new RunStatus { Id = Id, Checkpoints = "checkpoints", State = RunStatus.Interrupted, Sessions = [new RunSession { Started = DateTime.UtcNow }] }.Write(_run);

        using RunFolder first = RunFolderSelection.ClaimLatestInterrupted(root, "checkpoints")!;
        using RunFolder second = RunFolderSelection.ClaimLatestInterrupted(root, "checkpoints")!;

        Assert.That((first.Path, second.Path), Is.EqualTo((_run, olderRun)));
        Assert.That(RunFolderSelection.ClaimLatestInterrupted(root, "checkpoints"), Is.Null, "both are taken");
    }

    [Test]
    public void TheEndOfAFinishedRunIsNotResumed_ByItsFileOrItsFolder_ButAnEarlierPointBranchesIt()
    {
        string checkpoints = Path.GetDirectoryName(_checkpoint)!;
        new RunStatus { Id = Id, Checkpoints = checkpoints, State = RunStatus.Finished }.Write(_run);
        File.WriteAllLines(Path.Combine(_run, "history.csv"), ["epoch,...", "1", "2", "3"]);
        File.Delete(_checkpoint);
        string earlier = Path.Combine(checkpoints, "ckpt-e0002-b000000.ckpt");
        string end = Path.Combine(checkpoints, "ckpt-e0004-b000000.ckpt");
        File.WriteAllText(earlier, "a checkpoint");
        File.WriteAllText(end, "a checkpoint");

        Assert.That(() => Select(end), Throws.TypeOf<RunFolderException>().With.Message.Contains("finished, so there is nothing to continue"));
        Assert.That(() => Select(checkpoints), Throws.TypeOf<RunFolderException>().With.Message.Contains("--Model:InitFrom="), "not the hint to resume its end");
        Assert.That(Select(earlier), Is.EqualTo((_run, true)));
    }

    [Test]
    public void ACheckpointOfARunRenamedInItsRunsFolderContinuesThatRun_ByTheIdentityItsCheckpointFolderRecords()
    {
        (string id, string original, string theirs) = RunMarkingItsCheckpointsOutside();
        new RunStatus { Id = id, Checkpoints = theirs, State = RunStatus.Interrupted }.Write(original);
        string point = Path.Combine(theirs, "ckpt-e0004-b000000.ckpt");
        File.WriteAllText(point, "a checkpoint");
        string renamed = Path.Combine(Path.GetDirectoryName(original)!, "lr-0.01");
        Directory.Move(original, renamed);

        RunFolder folder = RunFolderSelection.Select(Path.GetDirectoryName(original)!, point, "checkpoints", DateTime.UtcNow);

        Assert.That((folder.Path, folder.Continues, folder.LeftBy), Is.EqualTo((renamed, true, (string?)null)));
    }

    [Test]
    public void ACheckpointOfARunMovedOutOfSightStartsANewRun_NamingWhereItsRunWas()
    {
        (string id, string original, string theirs) = RunMarkingItsCheckpointsOutside();
        new RunStatus { Id = id, Checkpoints = theirs, State = RunStatus.Interrupted }.Write(original);
        string point = Path.Combine(theirs, "ckpt-e0004-b000000.ckpt");
        File.WriteAllText(point, "a checkpoint");
        Directory.Move(original, _dir.Combine("archive"));

        RunFolder folder = RunFolderSelection.Select(Path.GetDirectoryName(original)!, point, "checkpoints", DateTime.UtcNow);

        Assert.That((folder.Continues, folder.LeftBy), Is.EqualTo((false, original)));
        Assert.That(folder.Id, Is.Not.EqualTo(id));
    }

    // A run folder whose first session marked its checkpoint folder outside it (ck/ID) as its own.
    private (string Id, string Original, string Theirs) RunMarkingItsCheckpointsOutside()
    {
        string id = RunFolder.NewId(DateTime.UtcNow);
        string theirs = _dir.Combine(Path.Combine("ck", id));
        string original = Path.Combine(RealPath.Of(_dir.Path), "runs", id);
        Directory.CreateDirectory(original);
        Assert.That(CheckpointFolderOwner.Claim(theirs, original), Is.True);
        return (id, original, theirs);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private (string Folder, bool Continues) Select(string resume)
    {
        RunFolder folder = RunFolderSelection.Select(_dir.Combine("elsewhere"), resume, "checkpoints", DateTime.UtcNow);
        return (folder.Path, folder.Continues);
    }
}
