using ScratchNet.Core.Layers;
using ScratchNet.Data.Augmentation;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests;

/// <summary>
/// The trainer and its toolkit with a convolutional network from Model:Layers: it learns, and a run interrupted mid-epoch
/// and resumed is bit-identical to one left alone (weights, batch norm's running statistics, dropout masks, Adam, schedule, early stopping).
/// </summary>
public class ConvolutionalTrainingTests
{
    private static readonly List<string> SmallCnn = ["conv 4 3x3 pad 1", "batchnorm", "relu", "maxpool 2", "conv 6 3x3", "relu", "flatten", "dropout 0.2", "dense 3"];

    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("scratchnet-cnn-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private Rig NewRig(int epochs = 4) => new()
    {
        Dataset = SyntheticData.Bars(),
        Model = new ModelOptions { Layers = [.. SmallCnn] },
        Training = new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
        Optimizer = new OptimizerOptions { Name = "adam", LearningRate = 0.01f },
        Checkpoints = new CheckpointOptions { Directory = _dir, KeepLast = 10 },
    };

    private static IEnumerable<(double, double, double, double, double)> Numbers(TrainingResult r) =>
        r.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy, h.TrainAccuracy, h.LearningRate));

    [Test]
    public async Task Train_LearnsToTellBarsApart()
    {
        Rig rig = NewRig(epochs: 10);
        rig.Schedule.Name = "constant";
        TrainingResult result = await rig.Create().TrainAsync();
        Assert.That(result.Network.Layers.OfType<Conv2D>().Count(), Is.EqualTo(2));
        Assert.That(result.History[^1].TrainLoss, Is.LessThan(result.History[0].TrainLoss * 0.5));
        Assert.That(result.FinalValidation.Accuracy, Is.GreaterThan(0.75), "three classes: chance is 0.33");
    }

    [Test]
    public async Task Train_GivesIdenticalWeightsAndHistory_OnOneAndTwoThreads()
    {
        // Batches of 16: two gradient groups of 8 images, one per thread, and the forward pass splits the images.
        Rig one = NewRig(epochs: 2), two = NewRig(epochs: 2);
        one.Training.Threads = "1";
        two.Training.Threads = "2";
        TrainingResult a = await one.Create().TrainAsync();
        TrainingResult b = await two.Create().TrainAsync();
        Assert.That(Numbers(b), Is.EqualTo(Numbers(a)));
        Assert.That(b.Network.Parameters.Select(p => p.Value), Is.EqualTo(a.Network.Parameters.Select(p => p.Value)));
    }

    // Training:FuseBlocks=false trains through each layer's own Forward and Backward (Conv2D's, ReLU's, MaxPool2D's), the
    // code a learner reads and steps through. A grey block of whole vectors of filters, and the block after it, sum their
    // gradients in another order when fused (to float rounding); a block of few filters takes the dense backward, the
    // layers' own kernels in their order (bit for bit).
    [TestCase(new[] { "conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 6 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 3" }, false)]
    [TestCase(new[] { "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 3" }, true)]
    public async Task TrainingThroughThePlainLayers_GivesTheFusedBlocksRun(string[] layers, bool bitForBit)
    {
        TrainingResult fused = await PlainLayersRig(layers, fuseBlocks: true).Create().TrainAsync();
        TrainingResult plain = await PlainLayersRig(layers, fuseBlocks: false).Create().TrainAsync();

        Assert.That((fused.Network.FusesBlocks, plain.Network.FusesBlocks), Is.EqualTo((true, false)), "the switch reaches the network that trains");
        for (int i = 0; i < fused.Network.Parameters.Count; i++)
        {
            float[] a = fused.Network.Parameters[i].Value, b = plain.Network.Parameters[i].Value;
            if (bitForBit)
            {
                Assert.That(b, Is.EqualTo(a), fused.Network.Parameters[i].Name);
            }
            else
            {
                double scale = a.Max(v => Math.Abs((double)v));
                Assert.That(a.Zip(b).Max(p => Math.Abs((double)p.First - p.Second)), Is.LessThan(1e-4 * scale), fused.Network.Parameters[i].Name);
            }
        }

        Assert.That(plain.History.Select(h => h.ValidationLoss), Is.EqualTo(fused.History.Select(h => h.ValidationLoss)).Within(1e-5), "the same run, epoch by epoch");
    }

    private static Rig PlainLayersRig(string[] layers, bool fuseBlocks) => new()
    {
        Dataset = SyntheticData.Bars(),
        Model = new ModelOptions { Layers = [.. layers] },
        Training = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64, Threads = "1", FuseBlocks = fuseBlocks },
        Optimizer = new OptimizerOptions { Name = "sgd", LearningRate = 0.05f, Momentum = 0.9f },
    };

    [TestCase(2, 5)]
    [TestCase(3, 0)]
    public async Task InterruptedMidEpochThenResumed_MatchesAnUninterruptedRun(int epoch, int batch)
    {
        TrainingResult uninterrupted = await NewRig().Create().TrainAsync();

        using var cancellation = new CancellationTokenSource();
        var canceller = new Moq.Mock<ITrainingCallback>();
        canceller.Setup(c => c.OnBatchEnd(Moq.It.IsAny<TrainingContext>(), epoch, batch, Moq.It.IsAny<float>())).Callback(cancellation.Cancel);
        var interrupted = Assert.CatchAsync<TrainingInterruptedException>(() => NewRig().Create(canceller.Object).TrainAsync(cancellation.Token));
        Checkpoint checkpoint = CheckpointFile.Load(interrupted!.CheckpointPath!);
        Assert.That(checkpoint.Tensors.Keys, Does.Contain("state/bn0.running_mean").And.Contain("state/bn0.running_var"));
        double firstPart = checkpoint.Scalars["trainer.epoch_seconds"];
        Assert.That(firstPart, Is.GreaterThan(0), "the checkpoint keeps the time the epoch has trained so far");

        TrainingResult resumed = await NewRig().Create().TrainAsync(checkpoint);

        Assert.That(resumed.History[epoch - 1].TrainSeconds, Is.GreaterThanOrEqualTo(firstPart), "the resumed epoch's time is the whole epoch's, both sessions'");
        Assert.That(Numbers(resumed), Is.EqualTo(Numbers(uninterrupted)));
        Assert.That(resumed.Network.Parameters.Select(p => p.Value), Is.EqualTo(uninterrupted.Network.Parameters.Select(p => p.Value)));
        Assert.That(resumed.Network.State.Select(s => s.Value), Is.EqualTo(uninterrupted.Network.State.Select(s => s.Value)));
    }

    [Test]
    public async Task WithAugmentation_InterruptedMidEpochThenResumed_MatchesAnUninterruptedRun()
    {
        // 8-bit 10 × 10 images, each transformed anew every epoch (affine and elastic).
        Rig Augmented() => new()
        {
            Dataset = SyntheticData.Squares(),
            Model = new ModelOptions { Layers = [.. SmallCnn] },
            Training = new TrainingOptions { Epochs = 3, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Optimizer = new OptimizerOptions { Name = "adam", LearningRate = 0.01f },
            Checkpoints = new CheckpointOptions { Directory = _dir, KeepLast = 10 },
            Augmentation = new AugmentationOptions { Enabled = true, MaxShift = 1.5, MaxRotationDegrees = 15, Elastic = true, ElasticAlpha = 5, ElasticSigma = 1.5 },
        };
        TrainingResult uninterrupted = await Augmented().Create().TrainAsync();

        using var cancellation = new CancellationTokenSource();
        var canceller = new Moq.Mock<ITrainingCallback>();
        canceller.Setup(c => c.OnBatchEnd(Moq.It.IsAny<TrainingContext>(), 2, 6, Moq.It.IsAny<float>())).Callback(cancellation.Cancel);
        var interrupted = Assert.CatchAsync<TrainingInterruptedException>(() => Augmented().Create(canceller.Object).TrainAsync(cancellation.Token));
        TrainingResult resumed = await Augmented().Create().TrainAsync(CheckpointFile.Load(interrupted!.CheckpointPath!));

        Assert.That(Numbers(resumed), Is.EqualTo(Numbers(uninterrupted)));
        Assert.That(resumed.Network.Parameters.Select(p => p.Value), Is.EqualTo(uninterrupted.Network.Parameters.Select(p => p.Value)));
        Assert.That(resumed.Network.State.Select(s => s.Value), Is.EqualTo(uninterrupted.Network.State.Select(s => s.Value)));
    }

    [Test]
    public void EarlyStopping_RestoresTheBestEpochsRunningStatistics_WithItsWeights()
    {
        Sequential network = NetworkBuilder.Build([.. SmallCnn.Select(LayerSyntax.Parse)], new Shape(1, 8, 8), 4, "he_normal", 1);
        var context = new TrainingContext(network, new ScratchNet.Training.Optimizers.Sgd(0.1f), SyntheticData.Bars(), epochs: 2, batchesPerEpoch: 1);
        var early = new EarlyStopping(
            Microsoft.Extensions.Options.Options.Create(new EarlyStoppingOptions { Enabled = true, Patience = 10, Monitor = "val_loss" }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<EarlyStopping>.Instance);
        network.State[0].Value[1] = 0.25f;
        float[][] best = [.. network.State.Select(s => (float[])s.Value.Clone()), .. network.Parameters.Select(p => (float[])p.Value.Clone())];
        early.OnEpochEnd(context, new EpochMetrics(1, 1.0, 0.5, 0.8, 1, 1));

        // Epoch 2, the last, is worse: what was there at epoch 1 comes back, running statistics included.
        network.State[0].Value[1] = 9f;
        network.Parameters[0].Value[0] += 1f;
        early.OnEpochEnd(context, new EpochMetrics(2, 1.0, 0.9, 0.7, 1, 1));

        Assert.That(early.BestEpoch, Is.EqualTo(1));
        float[][] restored = [.. network.State.Select(s => s.Value), .. network.Parameters.Select(p => p.Value)];
        Assert.That(restored, Is.EqualTo(best));
    }
}
