using ScratchNet.Files;
using ScratchNet.Host.Runs;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Runs;

public sealed class RunCatalogTests
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

        RunFolder kept = RunCatalog.Select(root, rescue, "checkpoints", DateTime.UtcNow);
        Assert.That((kept.Path, kept.Continues), Is.EqualTo((run, true)));

        Directory.Delete(run, recursive: true);
        RunFolder fresh = RunCatalog.Select(root, rescue, "checkpoints", DateTime.UtcNow);
        Assert.That((Path.GetDirectoryName(fresh.Path), fresh.Continues), Is.EqualTo((root, false)), "its folder is gone: a new one");
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
            Assert.That(RunCatalog.LatestInterrupted(root, "checkpoints"), Is.EqualTo((run, newer)));
        }
        finally
        {
            File.Delete(older);
            File.Delete(newer);
        }
    }

    [TestCase("scratchnet-20261126-205120-26573760-ckpt-e0005-b000000.ckpt", "20261126-205120-26573760")]
    [TestCase("scratchnet-20261126-205120-26573760-model.snm", null)]
    [TestCase("ckpt-e0005-b000000.ckpt", null)]
    [TestCase("scratchnet-latest-ckpt-e0005-b000000.ckpt", null)]
    public void ARescueFileNamesItsRun(string name, string? id) => Assert.That(RescuePoint.RunId(name), Is.EqualTo(id));

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

        RunFolder folder = RunCatalog.Select(_dir.Combine("elsewhere"), Path.Combine(linked, "checkpoints", Path.GetFileName(_checkpoint)), "checkpoints", DateTime.UtcNow);

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

    private (string Folder, bool Continues) Select(string resume)
    {
        RunFolder folder = RunCatalog.Select(_dir.Combine("elsewhere"), resume, "checkpoints", DateTime.UtcNow);
        return (folder.Path, folder.Continues);
    }
}
