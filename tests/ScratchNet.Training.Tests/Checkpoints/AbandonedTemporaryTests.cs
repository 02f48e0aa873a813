using ScratchNet.Files;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Checkpoints;

/// <summary>
/// probe-cnn G7: a SIGKILL while best.ckpt was written left <c>best.ckpt.PID.tmp</c> (the size of a checkpoint), and the
/// session that took the run over, which saved nothing more, never removed it: the folder was tidied only after a save.
/// </summary>
public sealed class AbandonedTemporaryTests
{
    [Test]
    public async Task ASessionThatTakesOverTheFolder_DeletesTheTemporariesOfDeadWriters_EvenIfItSavesNothing()
    {
        using var folder = new TempDirectory();
        using var finished = System.Diagnostics.Process.Start("true")!;
        await finished.WaitForExitAsync();
        string dead = AtomicFile.TemporaryPath(folder.Combine("best.ckpt"), finished.Id);
        string live = AtomicFile.TemporaryPath(folder.Combine("ckpt-e0002-b000000.ckpt"), Environment.ProcessId);
        await File.WriteAllTextAsync(dead, "partial");
        await File.WriteAllTextAsync(live, "partial");
        var rig = new Rig
        {
            Training = new TrainingOptions { Epochs = 1, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Checkpoints = new CheckpointOptions { Directory = folder.Path, EveryEpochs = 0, SaveBest = false },
        };

        await rig.Create().TrainAsync();

        Assert.That(Directory.GetFiles(folder.Path, "*.ckpt"), Is.Empty, "this session saved nothing");
        Assert.That(File.Exists(dead), Is.False, "a dead writer's temporary is deleted");
        Assert.That(File.Exists(live), Is.True, "a live writer's temporary may be mid-save");
    }
}
