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
}
