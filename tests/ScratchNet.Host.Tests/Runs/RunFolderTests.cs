using ScratchNet.Host.Runs;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Runs;

public sealed class RunFolderTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void AResumeClaimsItsRunWhileTheDashboardLooksAtTheLockForAMoment_ButNotWhileAProcessHoldsIt()
    {
        string path = _dir.Combine("20261126-000000-00000009");
        Directory.CreateDirectory(path);
        string lockFile = Path.Combine(path, RunFolder.LockFileName);
        File.WriteAllText(lockFile, string.Empty);

        // The dashboard's liveness probe: the lock taken and let go again.
        var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        using (var release = new Timer(_ => probe.Dispose(), null, 30, Timeout.Infinite))
        using (var resumed = new RunFolder(path, continues: true))
        {
            Assert.DoesNotThrow(resumed.Claim);
        }

        using var live = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        using var again = new RunFolder(path, continues: true);
        Assert.That(again.Claim, Throws.TypeOf<RunFolderException>().With.Message.Contains("still training in another process"));
    }

    [Test]
    public void ARelativeCheckpointFolderIsInsideTheRunAndAnOutsideOneGetsASubfolderPerRun()
    {
        var folder = new RunFolder(Path.Combine(_dir.Path, "runs", "20261126-000000-00000001"));

        Assert.That(folder.CheckpointFolder("checkpoints"), Is.EqualTo(Path.Combine(folder.Path, "checkpoints")));
        Assert.That(folder.CheckpointFolder(_dir.Combine("ck")), Is.EqualTo(Path.Combine(_dir.Combine("ck"), folder.Id)));
        Assert.That(folder.CheckpointFolder(""), Is.Null, "empty turns checkpoints off");
    }

    [Test]
    public void AResumedRunKeepsTheCheckpointFolderItsRunJsonNamesUnlessTheUserSetsAnother()
    {
        string path = Path.Combine(_dir.Path, "runs", "20261126-000000-00000002");
        Directory.CreateDirectory(path);
        string own = Path.Combine(_dir.Combine("ck"), "20261126-000000-00000002");
        new RunStatus { Id = "20261126-000000-00000002", Checkpoints = own }.Write(path);
        var resumed = new RunFolder(path, resumeCheckpoint: Path.Combine(own, "ckpt-e0002-b000000.ckpt"), continues: true);

        Assert.That(resumed.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(own), "the default does not move a resumed run's checkpoints");
        Assert.That(resumed.CheckpointFolder("elsewhere", keepOwn: false), Is.EqualTo(Path.Combine(path, "elsewhere")), "a folder the user set for this session wins");
        Assert.That(new RunFolder(path).CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(Path.Combine(path, "checkpoints")), "only a continued run has a folder of its own yet");
    }

    [Test]
    public void AResumedRunThatTrainedWithCheckpointsOffKeepsThemOffUnlessTheUserTurnsThemOn()
    {
        string path = Path.Combine(_dir.Path, "runs", "20261126-000000-00000007");
        Directory.CreateDirectory(path);
        new RunStatus { Id = "20261126-000000-00000007", Checkpoints = null }.Write(path);
        var resumed = new RunFolder(path, resumeCheckpoint: _dir.Combine("scratchnet-20261126-000000-00000007-ckpt-e0003-b000000.ckpt"), continues: true);

        Assert.That(resumed.CheckpointFolder("checkpoints", keepOwn: true), Is.Null, "the default does not turn a run's checkpoints on");
        Assert.That(resumed.CheckpointFolder("checkpoints", keepOwn: false), Is.EqualTo(Path.Combine(path, "checkpoints")), "checkpoints the user asks for this session are written");
    }

    [Test]
    public void ANewFolderResumingACheckpointOfAnOutsideCheckpointFolderKeepsThatFolderUnlessTheUserSetsAnother()
    {
        // The run that wrote /ck/ID/ckpt-… is gone (its folder removed), so the resume starts a new folder.
        string ck = _dir.Combine("ck");
        string checkpoint = Path.Combine(ck, "20261126-000000-00000004", "ckpt-e0005-b000000.ckpt");
        var resumed = new RunFolder(Path.Combine(_dir.Path, "runs", "20261126-000001-00000005"), resumeCheckpoint: checkpoint);

        Assert.That(resumed.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(Path.Combine(ck, resumed.Id)), "the default does not move the checkpoints off the folder the user chose");
        Assert.That(resumed.CheckpointFolder("elsewhere", keepOwn: false), Is.EqualTo(Path.Combine(resumed.Path, "elsewhere")), "a folder the user set for this session wins");
        var rescued = new RunFolder(Path.Combine(_dir.Path, "runs", "20261126-000001-00000006"), resumeCheckpoint: _dir.Combine("scratchnet-20261126-000000-00000004-ckpt-e0005-b000000.ckpt"));
        Assert.That(rescued.CheckpointFolder("checkpoints", keepOwn: true), Is.EqualTo(Path.Combine(rescued.Path, "checkpoints")), "a checkpoint in no run's checkpoint folder keeps the default");
    }

    [TestCase("20261126-023755-8f3a9c1e", true)]
    [TestCase("20261126-023755-8F3A9C1E", false)]
    [TestCase("checkpoints", false)]
    [TestCase("20261126-023755-8f3a9c1e-x", false)]
    public void IsIdTellsARunIdFromOtherFolderNames(string name, bool id) => Assert.That(RunFolder.IsId(name), Is.EqualTo(id));

    [Test]
    public void ANewIdIsAnId() => Assert.That(RunFolder.IsId(RunFolder.NewId(DateTime.UtcNow)), Is.True);

    [Test]
    public void AClaimedFolderIsIntactUntilItIsRemoved()
    {
        using var folder = new RunFolder(Path.Combine(_dir.Path, "runs", "20261126-000000-00000003"));
        Assert.That(folder.IsIntact, Is.True, "nothing claimed yet");
        folder.Claim();
        Assert.That(folder.IsIntact, Is.True);

        Directory.Delete(folder.Path, recursive: true);

        Assert.That(folder.IsIntact, Is.False);
        Assert.That(Directory.Exists(folder.Path), Is.False, "asking creates nothing");
    }

    [Test]
    public void AClaimedFolderReplacedByACopyIsNotIntact()
    {
        using var folder = new RunFolder(Path.Combine(_dir.Path, "runs", "20261126-000000-00000004"));
        folder.Claim();
        Directory.Move(folder.Path, folder.Path + ".old");
        Directory.CreateDirectory(folder.Path);
        File.WriteAllText(Path.Combine(folder.Path, RunFolder.LockFileName), string.Empty);

        Assert.That(folder.IsIntact, Is.False);
    }
    [TestCase("folder", "is a folder, not a file")]
    [TestCase("pipe", "is a named pipe (FIFO), not a file")]
    [TestCase("link to nothing", "is a link that leads nowhere (what it points at does not exist)")]
    [TestCase("link to itself", "is a link that leads nowhere (round in a loop of links)")]
    public void AResumeRefusesALockThatIsNoFile_SayingWhatItIsAndToRemoveIt(string kind, string said)
    {
        string path = Path.Combine(_dir.Path, "runs", "20261126-000000-00000005");
        Directory.CreateDirectory(path);
        string lockFile = Path.Combine(path, RunFolder.LockFileName);
        switch (kind)
        {
            case "folder":
                Directory.CreateDirectory(lockFile);
                break;
            case "pipe":
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [lockFile]))
                {
                    mkfifo.WaitForExit();
                }

                break;
            case "link to itself":
                File.CreateSymbolicLink(lockFile, RunFolder.LockFileName);
                break;
            default:
                File.CreateSymbolicLink(lockFile, Path.Combine(_dir.Path, "nowhere", "lock"));
                break;
        }

        using var resumed = new RunFolder(path, continues: true);
        var refusal = Assert.Throws<RunFolderException>(resumed.Claim);

        Assert.That(refusal!.Message, Does.Contain($".lock {said}").And.Contain($"rm -r {lockFile}"));
        Assert.That(Directory.Exists(Path.Combine(_dir.Path, "nowhere")), Is.False, "nothing is created through the link");
    }
}
