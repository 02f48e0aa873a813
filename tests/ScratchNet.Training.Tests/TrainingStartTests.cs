using Moq;
using ScratchNet.Data;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using O = Microsoft.Extensions.Options.Options;

namespace ScratchNet.Training.Tests;

/// <summary>
/// Training begins at its first batch, and a stop that comes before it keeps it from beginning: nothing is trained, so no
/// resume point is saved (one at epoch 1, batch 0 was the untrained start), and the answer to the stop agrees with what
/// the trainer then does, whichever of the two came first.
/// </summary>
public sealed class TrainingStartTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("scratchnet-start-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private Rig NewRig() => new() { Checkpoints = new CheckpointOptions { Directory = _dir, KeepLast = 10 } };

    [Test]
    public void AStopThatComesFirst_KeepsTrainingFromBeginning_AndOneThatComesAfter_DoesNot()
    {
        var stoppedFirst = new TrainingStart();
        Assert.That(stoppedFirst.StopBeforeBegin(), Is.True, "not begun: the stop's answer says so");
        Assert.That(stoppedFirst.TryBegin(CancellationToken.None), Is.False, "and training never begins");
        Assert.That(stoppedFirst.HasBegun, Is.False);

        var begunFirst = new TrainingStart();
        Assert.That(begunFirst.TryBegin(CancellationToken.None), Is.True);
        Assert.That(begunFirst.StopBeforeBegin(), Is.False, "begun: the stop ends it at a batch, with a resume point");
        Assert.That(begunFirst.HasBegun, Is.True);

        // A stop the trainer saw first (its token cancelled) agrees with the answer given afterwards.
        var cancelledFirst = new TrainingStart();
        Assert.That(cancelledFirst.TryBegin(new CancellationToken(canceled: true)), Is.False);
        Assert.That(cancelledFirst.StopBeforeBegin(), Is.True);
    }

    [Test]
    public void AStopBeforeTheFirstBatch_SavesNoResumePoint()
    {
        var interrupted = new Mock<ITrainingCallback>();

        Assert.ThrowsAsync<TrainingNotBegunException>(() => NewRig().Create(interrupted.Object).TrainAsync(new CancellationToken(canceled: true)));

        Assert.That(Directory.GetFiles(_dir), Is.Empty, "a resume point at epoch 1, batch 0 holds nothing trained");
        interrupted.Verify(c => c.OnInterrupted(It.Is<TrainingContext>(x => x.StepsThisSession == 0), 1, 0), Times.Once, "callbacks still hear that training stopped");
    }

    [Test]
    public async Task AResumeStoppedBeforeItsFirstBatch_LeavesItsResumePointAsItWas()
    {
        using var stop = new CancellationTokenSource();
        var canceller = new Mock<ITrainingCallback>();
        canceller.Setup(c => c.OnBatchEnd(It.IsAny<TrainingContext>(), 1, 2, It.IsAny<float>())).Callback(stop.Cancel);
        TrainingInterruptedException first = Assert.ThrowsAsync<TrainingInterruptedException>(() => NewRig().Create(canceller.Object).TrainAsync(stop.Token))!;
        byte[] before = await File.ReadAllBytesAsync(first.CheckpointPath!);
        Checkpoint point = CheckpointFile.Load(first.CheckpointPath!);

        Assert.ThrowsAsync<TrainingNotBegunException>(() => NewRig().Create().TrainAsync(point, new CancellationToken(canceled: true)));

        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { first.CheckpointPath }));
        Assert.That(await File.ReadAllBytesAsync(first.CheckpointPath!), Is.EqualTo(before), "not written again");
    }

    [Test]
    public void AStopClaimedBeforeTheFirstBatch_StopsTheTrainerThoughItsTokenIsNotCancelledYet()
    {
        // The signal's answer runs before the host cancels the token: the trainer must not begin in between.
        var start = new TrainingStart();
        start.StopBeforeBegin();
        var rig = new Rig();
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(rig.Dataset);
        var training = O.Create(rig.Training);
        var trainer = new Trainer(provider.Object, new NetworkFactory(O.Create(rig.Model), training), new Sgd(0.1f), [], training, start: start);

        Assert.ThrowsAsync<TrainingNotBegunException>(() => trainer.TrainAsync(CancellationToken.None));
    }
}
