using Moq;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Options;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Checkpoints;

/// <summary>
/// The promise of checkpoints: a run interrupted (Ctrl+C) and resumed in a fresh trainer gives the same
/// history and the same final weights as the run left alone. Adam, cosine with warm-up, dropout and
/// early stopping are all on, so every piece of saved state matters.
/// </summary>
public class ResumeTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("scratchnet-resume-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private Rig NewRig(string? schedule = null, int warmupEpochs = 1) => new()
    {
        Checkpoints = new CheckpointOptions { Directory = _dir, KeepLast = 10 },
        Schedule = new ScheduleOptions { Name = schedule ?? "cosine", WarmupEpochs = warmupEpochs, Patience = 0, Factor = 0.5f, StepSize = 1, Gamma = 0.5f },
    };

    // Images, with affine and elastic augmentation on: every batch's pixels depend on the epoch and the rows.
    private Rig NewAugmentedRig() => new()
    {
        Dataset = SyntheticData.Squares(),
        Model = new ModelOptions { LayerSizes = "100,16,3", Dropout = 0.2f },
        Checkpoints = new CheckpointOptions { Directory = _dir, KeepLast = 10 },
        Augmentation = new AugmentationOptions { Enabled = true, MaxShift = 2, MaxRotationDegrees = 15, ScaleRange = 0.1, Elastic = true, ElasticAlpha = 6, ElasticSigma = 2 },
    };

    private static IEnumerable<(double, double, double, double, double)> Numbers(TrainingResult r) =>
        r.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy, h.TrainAccuracy, h.LearningRate));

    private static ITrainingCallback CancelAt(CancellationTokenSource source, int epoch, int batch)
    {
        var canceller = new Mock<ITrainingCallback>();
        canceller.Setup(c => c.OnBatchEnd(It.IsAny<TrainingContext>(), epoch, batch, It.IsAny<float>())).Callback(source.Cancel);
        return canceller.Object;
    }

    [TestCase("cosine", 2, 4)]
    [TestCase("plateau", 3, 0)]
    [TestCase("cosine", 1, 0)]
    public async Task InterruptedThenResumed_MatchesAnUninterruptedRun(string schedule, int epoch, int batch)
    {
        TrainingResult uninterrupted = await NewRig(schedule).Create().TrainAsync();

        using var cancellation = new CancellationTokenSource();
        var interrupted = Assert.CatchAsync<TrainingInterruptedException>(() => NewRig(schedule).Create(CancelAt(cancellation, epoch, batch)).TrainAsync(cancellation.Token));
        Assert.That((interrupted!.Epoch, interrupted.Batch), Is.EqualTo((epoch, batch + 1)), "stops at the next batch boundary");
        Assert.That(interrupted.Message, Does.Contain($"Resume with: train --resume {interrupted.CheckpointPath}"));

        Checkpoint checkpoint = CheckpointFile.Load(interrupted.CheckpointPath!);
        TrainingResult resumed = await NewRig(schedule).Create().TrainAsync(checkpoint);

        Assert.That(Numbers(resumed), Is.EqualTo(Numbers(uninterrupted)));
        Assert.That(resumed.Network.Parameters.Select(p => p.Value), Is.EqualTo(uninterrupted.Network.Parameters.Select(p => p.Value)));
        Assert.That(resumed.FinalValidation.Loss, Is.EqualTo(uninterrupted.FinalValidation.Loss));
    }

    // 4 epochs of 13 batches, 2 of them warm-up: stopped inside the warm-up (epoch 2) and inside the decay that follows it (epoch 4).
    [TestCase("step", 2, 5)]
    [TestCase("exponential", 2, 5)]
    [TestCase("exponential", 4, 3)]
    [TestCase("step", 4, 3)]
    [TestCase("plateau", 4, 3)]
    public async Task InterruptedThenResumed_InsideOrAfterAWarmup_MatchesAnUninterruptedRun(string schedule, int epoch, int batch)
    {
        TrainingResult uninterrupted = await NewRig(schedule, warmupEpochs: 2).Create().TrainAsync();

        using var cancellation = new CancellationTokenSource();
        var interrupted = Assert.CatchAsync<TrainingInterruptedException>(() => NewRig(schedule, warmupEpochs: 2).Create(CancelAt(cancellation, epoch, batch)).TrainAsync(cancellation.Token));
        TrainingResult resumed = await NewRig(schedule, warmupEpochs: 2).Create().TrainAsync(CheckpointFile.Load(interrupted!.CheckpointPath!));

        Assert.That(Numbers(resumed), Is.EqualTo(Numbers(uninterrupted)));
        Assert.That(resumed.Network.Parameters.Select(p => p.Value), Is.EqualTo(uninterrupted.Network.Parameters.Select(p => p.Value)));
        Assert.That(uninterrupted.History[1].LearningRate, Is.EqualTo(0.01f), "the warm-up's last step trains at Optimizer:LearningRate");
    }

    [TestCase(2, 7)]
    [TestCase(3, 0)]
    public async Task InterruptedMidEpochThenResumed_WithAugmentation_MatchesAnUninterruptedRun(int epoch, int batch)
    {
        TrainingResult uninterrupted = await NewAugmentedRig().Create().TrainAsync();

        using var cancellation = new CancellationTokenSource();
        var interrupted = Assert.CatchAsync<TrainingInterruptedException>(() => NewAugmentedRig().Create(CancelAt(cancellation, epoch, batch)).TrainAsync(cancellation.Token));
        TrainingResult resumed = await NewAugmentedRig().Create().TrainAsync(CheckpointFile.Load(interrupted!.CheckpointPath!));

        Assert.That(Numbers(resumed), Is.EqualTo(Numbers(uninterrupted)));
        Assert.That(resumed.Network.Parameters.Select(p => p.Value), Is.EqualTo(uninterrupted.Network.Parameters.Select(p => p.Value)));

        // The augmentation was really on: without it the same run ends elsewhere.
        TrainingResult plain = await new Rig { Dataset = SyntheticData.Squares(), Model = new ModelOptions { LayerSizes = "100,16,3", Dropout = 0.2f } }.Create().TrainAsync();
        Assert.That(Numbers(plain), Is.Not.EqualTo(Numbers(uninterrupted)));
    }

    [Test]
    public void Fingerprint_CoversTheAugmentation_OnlyWhenItIsOn()
    {
        string plain = new Rig().Fingerprint().Compute();
        Assert.That(new Rig { Augmentation = new AugmentationOptions { Enabled = false, MaxShift = 5 } }.Fingerprint().Compute(), Is.EqualTo(plain), "off: the fingerprints of older runs stay valid");
        string on = new Rig { Augmentation = new AugmentationOptions { Enabled = true } }.Fingerprint().Compute();
        Assert.That(on, Is.Not.EqualTo(plain));
        Assert.That(new Rig { Augmentation = new AugmentationOptions { Enabled = true, MaxShift = 3 } }.Fingerprint().Compute(), Is.Not.EqualTo(on));
    }

    // README and training.md: EveryEpochs 0 writes no periodic resume point; best.ckpt still is.
    [Test]
    public async Task EveryEpochs0_WritesNoPeriodicResumePoint_OnlyTheBest()
    {
        Rig rig = new() { Checkpoints = new CheckpointOptions { Directory = _dir, EveryEpochs = 0, KeepLast = 10 } };
        await rig.Create().TrainAsync();
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EqualTo(new[] { "best.ckpt" }));
    }

    [Test]
    public async Task ResumingFromAnEpochCheckpoint_MatchesAnUninterruptedRun()
    {
        Rig rig = NewRig();
        TrainingResult uninterrupted = await rig.Create().TrainAsync();
        string afterEpoch2 = Path.Combine(_dir, "ckpt-e0003-b000000.ckpt");
        Assert.That(File.Exists(afterEpoch2), Is.True);

        TrainingResult resumed = await NewRig().Create().TrainAsync(CheckpointFile.Load(afterEpoch2));
        Assert.That(Numbers(resumed), Is.EqualTo(Numbers(uninterrupted)));
        Assert.That(CheckpointFile.Load(afterEpoch2).ConfigurationHash, Is.EqualTo(rig.Fingerprint().Compute()));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task ResumingTheCheckpointOfTheEpochEarlyStoppingEndedOn_FinishesAsTheUninterruptedRunDid(bool restoreBest)
    {
        // A MinDelta larger than any later gain makes epoch 1 the best, so the run stops after epoch 3, writing ckpt-e0004;
        // a process killed while writing its reports leaves that as its newest resume point.
        Rig Stopping() => new()
        {
            Training = new TrainingOptions { Epochs = 30, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Checkpoints = new CheckpointOptions { Directory = _dir, KeepLast = 10 },
            EarlyStopping = new EarlyStoppingOptions { Enabled = true, Patience = 2, MinDelta = 10, RestoreBestWeights = restoreBest },
        };
        TrainingResult uninterrupted = await Stopping().Create().TrainAsync();
        Assert.That(uninterrupted.History, Has.Count.EqualTo(3));

        TrainingResult resumed = await Stopping().Create().TrainAsync(CheckpointFile.Load(Path.Combine(_dir, "ckpt-e0004-b000000.ckpt")));

        Assert.That(Numbers(resumed), Is.EqualTo(Numbers(uninterrupted)), "no epoch after the one that stopped it");
        Assert.That(resumed.FinalValidation.Loss, Is.EqualTo(uninterrupted.FinalValidation.Loss));
        Assert.That(resumed.Network.Parameters.Select(p => p.Value), Is.EqualTo(uninterrupted.Network.Parameters.Select(p => p.Value)));
    }

    [Test]
    public async Task ResumingTheEpochThatEndedTheRun_WithEarlyStoppingOff_StillEndsIt_NeverTrainingOnFromTheRestoredWeights()
    {
        Rig Stopping(bool enabled) => new()
        {
            Training = new TrainingOptions { Epochs = 30, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Checkpoints = new CheckpointOptions { Directory = _dir, KeepLast = 10 },
            EarlyStopping = new EarlyStoppingOptions { Enabled = enabled, Patience = 2, MinDelta = 10 },
        };
        TrainingResult uninterrupted = await Stopping(true).Create().TrainAsync();

        TrainingResult resumed = await Stopping(false).Create().TrainAsync(CheckpointFile.Load(Path.Combine(_dir, "ckpt-e0004-b000000.ckpt")));

        Assert.That(Numbers(resumed), Is.EqualTo(Numbers(uninterrupted)));
    }

    [Test]
    public async Task LoweringThePatienceOnAMidEpochResume_StopsAtTheNextEpochEnd_WithTheBestWeightsRestored()
    {
        // Best epoch 1 (no later gain beats MinDelta); interrupted inside epoch 3, two epochs without improvement short of 3.
        Rig Rig(int patience) => new()
        {
            Training = new TrainingOptions { Epochs = 30, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Checkpoints = new CheckpointOptions { Directory = _dir, KeepLast = 10 },
            EarlyStopping = new EarlyStoppingOptions { Enabled = true, Patience = patience, MinDelta = 10 },
        };
        using var cancel = new CancellationTokenSource();
        var interrupted = Assert.ThrowsAsync<TrainingInterruptedException>(() => Rig(3).Create(CancelAt(cancel, 3, 2)).TrainAsync(cancel.Token));

        TrainingResult resumed = await Rig(1).Create().TrainAsync(CheckpointFile.Load(interrupted!.CheckpointPath!));

        Assert.That(resumed.History, Has.Count.EqualTo(3), "epoch 3 is finished, then the lower patience stops the run");
        Assert.That(resumed.FinalValidation.Loss, Is.EqualTo(resumed.History[0].ValidationLoss).Within(1e-9), "the best epoch's weights, not the interrupted epoch's");
    }

    [Test]
    public async Task ACheckpointCarriesEarlyStoppingAndCheckpointSettings_WhichAResumeMayChange()
    {
        Rig rig = NewRig();
        await rig.Create().TrainAsync();
        Checkpoint checkpoint = CheckpointFile.Load(Path.Combine(_dir, "ckpt-e0003-b000000.ckpt"));

        Assert.That(checkpoint.Settings["EarlyStopping:Enabled"], Is.EqualTo("true"));
        Assert.That(checkpoint.Settings["EarlyStopping:Patience"], Is.EqualTo("10"));
        Assert.That(checkpoint.Settings["Checkpoints:KeepLast"], Is.EqualTo("10"));
        Assert.That(checkpoint.Settings, Does.Not.ContainKey("Checkpoints:Directory"), "a resumed run keeps its own folder");
        var changed = new SortedDictionary<string, string>(checkpoint.Settings) { ["EarlyStopping:Patience"] = "1", ["Checkpoints:KeepLast"] = "1" };
        Assert.That(ConfigurationFingerprint.Differences(changed, rig.Fingerprint().Settings()), Is.Empty, "continued, never refused");
    }

    [Test]
    public void Fingerprint_Changes_WhenASettingThatShapesTheRunChanges()
    {
        string a = new Rig().Fingerprint().Compute();
        string b = new Rig { Optimizer = new OptimizerOptions { Name = "adam", LearningRate = 0.02f } }.Fingerprint().Compute();
        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(new Rig().Fingerprint().Compute(), Is.EqualTo(a));
    }

    [Test]
    public void Fingerprint_RecordsTheDataFolderAbsolute_AndNotTheFileTheFirstSessionStartedFrom()
    {
        var fingerprint = new ConfigurationFingerprint(
            Microsoft.Extensions.Options.Options.Create(new DataOptions { Dataset = "idx", Directory = "idx/good" }),
            Microsoft.Extensions.Options.Options.Create(new ModelOptions { LayerSizes = "8,16,3", InitFrom = "init.snm" }),
            Microsoft.Extensions.Options.Options.Create(new TrainingOptions()), Microsoft.Extensions.Options.Options.Create(new OptimizerOptions()), Microsoft.Extensions.Options.Options.Create(new ScheduleOptions()));

        SortedDictionary<string, string> settings = fingerprint.Settings();

        Assert.That(settings["Data:Directory"], Is.EqualTo(Path.GetFullPath("idx/good")), "a resume from another folder reads the same files");
        Assert.That(settings, Does.Not.ContainKey("Model:InitFrom"), "a resume takes its weights from the checkpoint");
        var older = new SortedDictionary<string, string>(settings) { ["Data:Directory"] = "idx/good" };
        Assert.That(ConfigurationFingerprint.Differences(older, settings), Is.Empty, "an older checkpoint's relative folder, resumed from where it ran");
        var shouted = new SortedDictionary<string, string>(settings) { ["Optimizer:Name"] = settings["Optimizer:Name"].ToUpperInvariant() };
        Assert.That(ConfigurationFingerprint.Differences(shouted, settings), Is.Empty, "names are read without regard to case");
        var moved = new SortedDictionary<string, string>(settings) { ["Data:Directory"] = "/elsewhere/good" };
        Assert.That(ConfigurationFingerprint.Differences(moved, settings), Has.One.StartsWith("Data:Directory: /elsewhere/good in the checkpoint"));
    }

    [Test]
    public void Fingerprint_RecordsTrainingThroughThePlainLayers_AndLeavesTheDefaultOut()
    {
        Rig fused = new(), plain = new();
        plain.Training.FuseBlocks = false;

        // On, it is left out: the fingerprints of runs from before the key existed stay as they were.
        Assert.That(fused.Fingerprint().Settings(), Does.Not.ContainKey("Training:FuseBlocks"));
        Assert.That(fused.Fingerprint().LegacyHash(), Is.EqualTo(plain.Fingerprint().LegacyHash()), "the hash of version-1 and -2 checkpoints is unchanged");

        // Off, the gradients differ from the fused blocks' in the last bits: a resume that changes it is refused.
        Assert.That(plain.Fingerprint().Settings()["Training:FuseBlocks"], Is.EqualTo("false"));
        Assert.That(ConfigurationFingerprint.Differences(plain.Fingerprint().Settings(), fused.Fingerprint().Settings()), Has.One.StartsWith("Training:FuseBlocks: false in the checkpoint"));
    }

    [Test]
    public void Fingerprint_Changes_WithTheLayerList()
    {
        string mlp = new Rig().Fingerprint().Compute();
        string cnn = new Rig { Model = new ModelOptions { Layers = ["conv 4 3x3", "flatten", "dense 3"] } }.Fingerprint().Compute();
        string other = new Rig { Model = new ModelOptions { Layers = ["conv 8 3x3", "flatten", "dense 3"] } }.Fingerprint().Compute();
        Assert.That(new[] { mlp, cnn, other }, Is.Unique);
    }

    [Test]
    public void Resume_Throws_WhenTheCheckpointDoesNotFitTheNetwork()
    {
        var checkpoint = new Checkpoint { ShuffleState = [1, 2, 3, 4] };
        var ex = Assert.ThrowsAsync<CheckpointException>(() => NewRig().Create().TrainAsync(checkpoint));
        Assert.That(ex!.Message, Does.Contain("parameter dense0.weight (8x16) is missing"));
    }
}
