using ScratchNet.Data.Options;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Runs;
using ScratchNet.TestSupport;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Options;
using static Microsoft.Extensions.Options.Options;

namespace ScratchNet.Host.Tests.Commands;

public sealed class ResumePointTests
{
    private static ConfigurationFingerprint Fingerprint() =>
        new(Create(new DataOptions()), Create(new ModelOptions()), Create(new TrainingOptions()), Create(new OptimizerOptions()), Create(new ScheduleOptions()));

    [Test]
    public void ADamagedResumePointNamesTheOneBeforeIt_AsTheCommandToContinueFrom()
    {
        using var dir = new TempDirectory();
        string older = dir.Combine("ckpt-e0002-b000000.ckpt");
        string newest = dir.Combine("ckpt-e0003-b000000.ckpt");
        File.WriteAllText(older, "an older resume point");
        File.WriteAllText(newest, "SNCKPT but cut short");

        var e = Assert.Throws<CheckpointException>(() => ResumePoint.Load(new RunFolder(dir.Combine("run"), newest), Fingerprint()));

        Assert.That(e!.Damaged, Is.True);
        Assert.That(e.Message, Does.EndWith($"The resume point before it may be intact: train --resume {older}"));
    }

    [Test]
    public void ADamagedOnlyResumePointGetsNoSuchHint()
    {
        using var dir = new TempDirectory();
        string only = dir.Combine("ckpt-e0001-b000000.ckpt");
        File.WriteAllText(only, "garbage");

        var e = Assert.Throws<CheckpointException>(() => ResumePoint.Load(new RunFolder(dir.Combine("run"), only), Fingerprint()));

        Assert.That(e!.Message, Does.Not.Contain("before it"));
    }

    [Test]
    public void AResumePointOfRuinedWeightsIsRefused_NamingTheTensor()
    {
        // Written by a run from before the trainer checked each epoch's validation loss.
        using var dir = new TempDirectory();
        string path = dir.Combine("ckpt-e0003-b000000.ckpt");
        ConfigurationFingerprint fingerprint = Fingerprint();
        var checkpoint = new Checkpoint { Epoch = 3, ShuffleState = [1, 2, 3, 4] };
        checkpoint.Tensors["param/dense0.weight"] = [0.5f, 1f];
        checkpoint.Tensors["param/dense1.weight"] = [0.5f, float.NaN];
        fingerprint.Stamp(checkpoint, "00");
        CheckpointFile.Save(path, checkpoint);

        var e = Assert.Throws<CheckpointException>(() => ResumePoint.Load(new RunFolder(dir.Combine("run"), path), fingerprint));

        Assert.That(e!.Message, Does.StartWith($"{path} holds weights that are not finite (dense1.weight): it was written after the run diverged"));
    }

    [Test]
    public void AResumePointRemovedAfterItWasChosenSaysSo_NotThatTheFileNeverExisted()
    {
        using var dir = new TempDirectory();
        string pruned = dir.Combine("ckpt-e0014-b000000.ckpt");

        var e = Assert.Throws<CheckpointException>(() => ResumePoint.Load(new RunFolder(dir.Combine("run"), pruned, continues: true), Fingerprint()));

        Assert.That(e!.Message, Does.StartWith($"{pruned} was removed a moment later, though chosen as this run's resume point"));
    }
}
