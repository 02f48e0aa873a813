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
