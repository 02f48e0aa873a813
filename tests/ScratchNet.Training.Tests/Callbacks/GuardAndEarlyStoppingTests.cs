using Moq;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Callbacks;

public class GuardAndEarlyStoppingTests
{
    [Test]
    public async Task EarlyStopping_StopsAfterPatience_AndRestoresTheBestWeights()
    {
        // A MinDelta larger than any later gain makes epoch 1 the best: training stops after epoch 1 + patience.
        var rig = new Rig
        {
            Training = new TrainingOptions { Epochs = 30, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Optimizer = new OptimizerOptions { Name = "sgd", LearningRate = 0.1f },
            Schedule = new ScheduleOptions(),
            Model = new ModelOptions { LayerSizes = "8,16,3" },
            EarlyStopping = new EarlyStoppingOptions { Enabled = true, Patience = 2, MinDelta = 10, Monitor = "val_loss" },
        };
        TrainingResult result = await rig.Create().TrainAsync();
        Assert.That(result.History, Has.Count.EqualTo(3), "stops two epochs after the best");
        Assert.That(result.History[2].ValidationLoss, Is.Not.EqualTo(result.History[0].ValidationLoss));
        Assert.That(result.FinalValidation.Loss, Is.EqualTo(result.History[0].ValidationLoss).Within(1e-9), "the final evaluation sees the best epoch's weights");
        Assert.That(result.WeightsEpoch, Is.EqualTo(1), "the result says whose weights the model holds, for metrics.json");
    }

    [Test]
    public async Task EarlyStopping_RestoresTheBestWeights_WhenTrainingRunsToItsLastEpoch()
    {
        var rig = new Rig
        {
            Training = new TrainingOptions { Epochs = 6, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Optimizer = new OptimizerOptions { Name = "sgd", LearningRate = 0.3f },
            Schedule = new ScheduleOptions(),
            Model = new ModelOptions { LayerSizes = "8,16,3" },
            EarlyStopping = new EarlyStoppingOptions { Enabled = true, Patience = 100, Monitor = "val_acc" },
        };
        TrainingResult result = await rig.Create().TrainAsync();
        Assert.That(result.History, Has.Count.EqualTo(6));
        Assert.That(result.WeightsEpoch, Is.EqualTo(result.History.First(h => h.ValidationAccuracy == result.History.Max(m => m.ValidationAccuracy)).Epoch));
        double bestAccuracy = result.History.Max(h => h.ValidationAccuracy);
        Assert.That(result.FinalValidation.Accuracy, Is.EqualTo(bestAccuracy));
        EpochMetrics bestEpoch = result.History.First(h => h.ValidationAccuracy == bestAccuracy);
        Assert.That(result.FinalValidation.Loss, Is.EqualTo(bestEpoch.ValidationLoss).Within(1e-9));
    }

    [Test]
    public async Task EarlyStopping_DoesNothing_WhenDisabled()
    {
        var rig = new Rig { EarlyStopping = new EarlyStoppingOptions { Enabled = false, Patience = 1 }, Optimizer = new OptimizerOptions { Name = "sgd", LearningRate = 0.3f } };
        TrainingResult result = await rig.Create().TrainAsync();
        Assert.That(result.History, Has.Count.EqualTo(4));
    }

    [Test]
    public void ADivergedRun_TellsEveryCallbackItFailed_EvenWhenOneOfThemThrowsThere()
    {
        var saboteur = new Mock<ITrainingCallback>();
        saboteur.Setup(c => c.OnEpochBegin(It.IsAny<TrainingContext>(), 2)).Callback((TrainingContext c, int _) => c.Network.Parameters[0].Value[5] = float.NaN);
        saboteur.Setup(c => c.OnTrainFailed(It.IsAny<TrainingContext>(), It.IsAny<Exception>())).Throws(new InvalidOperationException("a callback's own bug"));
        var watcher = new Mock<ITrainingCallback>();

        var ex = Assert.ThrowsAsync<TrainingDivergedException>(() => new Rig().Create(saboteur.Object, watcher.Object).TrainAsync());

        watcher.Verify(c => c.OnTrainFailed(It.IsAny<TrainingContext>(), ex!), Times.Once);
        watcher.Verify(c => c.OnTrainEnd(It.IsAny<TrainingContext>(), It.IsAny<TrainingResult>()), Times.Never);
    }

    [Test]
    public void AnInterruptedRun_IsNotReportedAsFailed()
    {
        using var cancellation = new CancellationTokenSource();
        var watcher = new Mock<ITrainingCallback>();
        watcher.Setup(c => c.OnBatchEnd(It.IsAny<TrainingContext>(), 1, 2, It.IsAny<float>())).Callback(cancellation.Cancel);

        Assert.CatchAsync<OperationCanceledException>(() => new Rig().Create(watcher.Object).TrainAsync(cancellation.Token));

        watcher.Verify(c => c.OnInterrupted(It.IsAny<TrainingContext>(), 1, 3), Times.Once);
        watcher.Verify(c => c.OnTrainFailed(It.IsAny<TrainingContext>(), It.IsAny<Exception>()), Times.Never);
    }

    [Test]
    public void NonFiniteLoss_StopsWithOneLineNamingEpochAndBatch_AndKeepsTheBestCheckpoint()
    {
        string dir = Directory.CreateTempSubdirectory("scratchnet-nan-").FullName;
        try
        {
            // Divergence, made deterministic: a weight turns NaN as epoch 3 begins.
            var saboteur = new Mock<ITrainingCallback>();
            saboteur.Setup(c => c.OnEpochBegin(It.IsAny<TrainingContext>(), 3)).Callback((TrainingContext c, int _) => c.Network.Parameters[0].Value[5] = float.NaN);
            var rig = new Rig { Training = new TrainingOptions { Epochs = 5, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 }, Checkpoints = new CheckpointOptions { Directory = dir } };

            var ex = Assert.ThrowsAsync<TrainingDivergedException>(() => rig.Create(saboteur.Object).TrainAsync());

            Assert.That(ex!.Message, Does.StartWith("Training diverged: the loss is NaN at epoch 3, batch 0; lower Optimizer:LearningRate"));
            Assert.That(ex.Message, Does.Not.Contain("\n"));
            Assert.That(ex.Message, Does.EndWith($"The checkpoints written before it are kept (the newest resume point: {Path.Combine(dir, "ckpt-e0003-b000000.ckpt")})."));
            Checkpoint best = CheckpointFile.Load(Path.Combine(dir, "best.ckpt"));
            Assert.That(best.Tensors.Where(t => t.Key.StartsWith("param/", StringComparison.Ordinal)).SelectMany(t => t.Value).All(float.IsFinite), Is.True);
            Assert.That(best.Epoch, Is.EqualTo(3), "the best checkpoint of epoch 2 is left as it was");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void AnEpochsLastUpdateThatRuinsTheWeights_StopsBeforeTheEpochIsRecordedOrCheckpointed()
    {
        string dir = Directory.CreateTempSubdirectory("scratchnet-nan-").FullName;
        try
        {
            // A batch's loss comes before its update, so no batch sees what epoch 2's last update did.
            var saboteur = new Mock<ITrainingCallback>();
            saboteur.Setup(c => c.OnBatchEnd(It.IsAny<TrainingContext>(), 2, It.IsAny<int>(), It.IsAny<float>()))
                .Callback((TrainingContext c, int _, int batch, float _) =>
                {
                    if (batch == c.BatchesPerEpoch - 1)
                    {
                        c.Network.Parameters[0].Value[5] = float.NaN;
                    }
                });
            var watcher = new Mock<ITrainingCallback>();
            var rig = new Rig { Training = new TrainingOptions { Epochs = 4, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 }, Checkpoints = new CheckpointOptions { Directory = dir } };

            var ex = Assert.ThrowsAsync<TrainingDivergedException>(() => rig.Create(saboteur.Object, watcher.Object).TrainAsync());

            Assert.That(ex!.Message, Does.StartWith("Training diverged: the validation loss is NaN after epoch 2, whose last updates made the weights overflow; lower Optimizer:LearningRate"));
            Assert.That(ex.Message, Does.EndWith($"(the newest resume point: {Path.Combine(dir, "ckpt-e0002-b000000.ckpt")})."));
            watcher.Verify(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.Is<EpochMetrics>(m => m.Epoch == 2)), Times.Never);
            Assert.That(File.Exists(Path.Combine(dir, "ckpt-e0003-b000000.ckpt")), Is.False, "no resume point of the ruined weights");
            Checkpoint best = CheckpointFile.Load(Path.Combine(dir, "best.ckpt"));
            Assert.That(best.Tensors.Where(t => t.Key.StartsWith("param/", StringComparison.Ordinal)).SelectMany(t => t.Value).All(float.IsFinite), Is.True);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ALossThatIsNotFiniteBeforeAnyUpdate_BlamesTheStartingWeights_NotTheLearningRate()
    {
        var saboteur = new Mock<ITrainingCallback>();
        saboteur.Setup(c => c.OnTrainBegin(It.IsAny<TrainingContext>())).Callback((TrainingContext c) => c.Network.Parameters[0].Value[5] = float.PositiveInfinity);

        var ex = Assert.ThrowsAsync<TrainingDivergedException>(() => new Rig().Create(saboteur.Object).TrainAsync());

        Assert.That(ex!.Message, Does.Contain("at epoch 1, batch 0; that loss comes from the weights training started from, before any update, so the learning rate is not the cause"));
        Assert.That(ex.Message, Does.Not.Contain("lower Optimizer:LearningRate"));
    }

    [TestCase(1e30f, "lower Optimizer:LearningRate (now 1E+30), e.g. to 0.01 (rates from 0.001 to 0.1 train these networks)")]
    [TestCase(3f, "lower Optimizer:LearningRate (now 3), e.g. to 0.3,")]
    public void TheAdviceForAnAbsurdRateIsARateThatTrains_NotATenthOfIt(float rate, string expected)
    {
        // "e.g. to 1E+29" for a rate of 1E+30 was no help.
        var ex = new TrainingDivergedException(1, 0, float.NaN, rate);

        Assert.That(ex.Message, Does.Contain(expected));
    }

    [Test]
    public void ADivergenceWhereTheWeightDecayAloneOvershoots_NamesTheWeightDecay()
    {
        var rig = new Rig { Optimizer = new OptimizerOptions { Name = "sgd", LearningRate = 0.003f, WeightDecay = 1e6f }, Schedule = new ScheduleOptions() };

        var ex = Assert.ThrowsAsync<TrainingDivergedException>(() => rig.Create().TrainAsync());

        Assert.That(ex!.Message, Does.Contain("Optimizer:WeightDecay (now 1000000) times the learning rate (0.003) is 3000, so the decay alone overshoots zero every step: lower Optimizer:WeightDecay below 1 / learning rate (333), e.g. to 33.3"));
    }

    // A typed 1000 read "now 1E+03": the "G3" format writes every number from 1000 up in exponent form.
    [TestCase(1000f, 0.003f, "Optimizer:WeightDecay (now 1000) times the learning rate (0.003) is 3, so the decay alone overshoots zero every step: lower Optimizer:WeightDecay below 1 / learning rate (333), e.g. to 33.3")]
    [TestCase(2f, 0.003f, "Optimizer:LearningRate (now 0.003), e.g. to 0.0003")]
    // A typed 1234567 read "now 1.235E+06", and a rate of 0.01234 "now 0.0123": a setting is echoed as it was set.
    [TestCase(1234567f, 0.003f, "Optimizer:WeightDecay (now 1234567) times the learning rate (0.003) is 3700, so")]
    [TestCase(2f, 0.01234f, "Optimizer:LearningRate (now 0.01234), e.g. to 0.00123")]
    [TestCase(5000f, 0.0003f, "Optimizer:WeightDecay (now 5000) times the learning rate (0.0003) is 1.5, so the decay alone overshoots zero every step: lower Optimizer:WeightDecay below 1 / learning rate (3330), e.g. to 333")]
    public void TheDivergenceAdviceWritesItsNumbersInFull(float weightDecay, float rate, string expected)
    {
        var ex = new TrainingDivergedException(1, 0, "the loss is NaN at epoch 1, batch 0", rate, weightDecay);

        Assert.That(ex.Message, Does.Contain(expected));
        Assert.That(ex.Message, Does.Not.Contain("E+"));
    }

    [Test]
    public void NonFiniteLoss_WithCheckpointsOff_SaysNoCheckpointWasWritten()
    {
        var saboteur = new Mock<ITrainingCallback>();
        saboteur.Setup(c => c.OnEpochBegin(It.IsAny<TrainingContext>(), 2)).Callback((TrainingContext c, int _) => c.Network.Parameters[0].Value[5] = float.NaN);
        var rig = new Rig { Training = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 } };

        var ex = Assert.ThrowsAsync<TrainingDivergedException>(() => rig.Create(saboteur.Object).TrainAsync());

        Assert.That(ex!.Message, Does.EndWith("No checkpoint had been written yet.").And.Not.Contain("kept"));
    }

    [Test]
    public void Validator_NamesKeysForCheckpointsAndEarlyStopping()
    {
        var checkpoints = new CheckpointOptionsValidator();
        var earlyStopping = new EarlyStoppingOptionsValidator();
        Assert.That(checkpoints.Validate(null, new CheckpointOptions { KeepLast = 0, Monitor = "f1" }).Failures,
            Is.EquivalentTo(new[] { "Checkpoints:KeepLast must be at least 1, got 0", "Checkpoints:Monitor 'f1' is unknown; valid: val_loss, val_acc, train_loss" }));
        Assert.That(earlyStopping.Validate(null, new EarlyStoppingOptions { Patience = 0 }).Failures, Is.EquivalentTo(new[] { "EarlyStopping:Patience must be at least 1, got 0" }));
        Assert.That(checkpoints.Validate(null, new CheckpointOptions()).Succeeded && earlyStopping.Validate(null, new EarlyStoppingOptions()).Succeeded, Is.True);
    }
}
