using ScratchNet.Host.Runs;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Runs;

/// <summary>
/// The start-up probe covers every path a run writes below its folder, TensorBoard's long event files too; a resumed run is
/// probed in its own folder, and a refusal names the route that works (a copy of the checkpoint), not Run:Directory.
/// </summary>
public sealed class RunFolderProbeTests
{
    private const int PathMax = 4096;

    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    // A folder whose full path is exactly `length` bytes long, made of 200-byte names.
    private string FolderOfLength(int length)
    {
        string path = _dir.Path;
        while (path.Length + 201 < length)
        {
            path = Path.Combine(path, new string('c', 200));
        }

        path = Path.Combine(path, new string('d', length - path.Length - 1));
        Directory.CreateDirectory(path);
        return path;
    }

    [Test]
    public void ARunsFolderWithRoomForTheRunsOwnFilesButNotForTensorBoardsIsRefusedAtTheStart()
    {
        // Room for "ID/misclassified.png" and the probe's own suffix, not for "ID/tensorboard/validation/events.out.tfevents.…".
        string runs = FolderOfLength(PathMax - 100);
        using var folder = new RunFolder(Path.Combine(runs, "20261127-000000-00000001"));

        Assert.That(folder.Claim, Throws.TypeOf<RunFolderException>().With.Message.Contains("Run:Directory").And.Message.Contains("too long"));
        Assert.That(Directory.Exists(folder.Path), Is.False, "nothing is made for a run that cannot start");
    }

    [Test]
    public void TheSameRunsFolderTakesARunWithoutTensorBoard()
    {
        string runs = FolderOfLength(PathMax - 100);
        using var folder = new RunFolder(Path.Combine(runs, "20261127-000000-00000002"));

        Assert.DoesNotThrow(() => folder.Claim(tensorBoard: false));
    }

    [Test]
    public void AResumeOfARunFolderThatCannotBeWrittenSaysToCopyTheCheckpointOutNotToSetRunDirectory()
    {
        string run = FolderOfLength(PathMax - 60);
        string checkpoint = Path.Combine(run, "checkpoints", "ckpt-e0002-b000493.ckpt");
        using var folder = new RunFolder(run, checkpoint, continues: true);

        Assert.That(folder.Claim, Throws.TypeOf<RunFolderException>()
            .With.Message.Contains("a resume continues in the run's own folder")
            .And.Message.Contains($"cp {checkpoint} my.ckpt")
            .And.Message.Contains("train --resume my.ckpt")
            .And.Message.Not.Contains("set Run:Directory"));
    }
}
