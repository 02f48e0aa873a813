using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Moq;
using ScratchNet.Core.Layers;
using ScratchNet.Data;
using ScratchNet.Data.Augmentation;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests;

public class TrainerTests
{
    private static Trainer CreateTrainer(Dataset dataset, IEnumerable<ITrainingCallback> callbacks, int epochs = 5, string layers = "8,16,3", float learningRate = 0.1f, int threads = 1, AugmentationOptions? augmentation = null, int evaluationBatchSize = 64)
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(dataset);
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = 3, EvaluationBatchSize = evaluationBatchSize, Threads = threads.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var model = Microsoft.Extensions.Options.Options.Create(new ModelOptions { LayerSizes = layers });
        return augmentation is null
            ? new Trainer(provider.Object, new NetworkFactory(model, training), new Sgd(learningRate), callbacks, training, model: model)
            : new Trainer(provider.Object, new NetworkFactory(model, training), new Sgd(learningRate), callbacks, training, augmentation: Microsoft.Extensions.Options.Options.Create(augmentation), model: model);
    }

    private static readonly AugmentationOptions StrongAugmentation = new() { Enabled = true, MaxShift = 3, MaxRotationDegrees = 30, ScaleRange = 0.2, Elastic = true, ElasticAlpha = 8, ElasticSigma = 2 };

    [Test]
    public async Task Augmentation_ChangesWhatTrainingSees_ButNotWhatEvaluationSees()
    {
        Dataset data = SyntheticData.Squares();
        TrainingResult augmented = await CreateTrainer(data, [], epochs: 3, layers: "100,16,3", augmentation: StrongAugmentation).TrainAsync();
        TrainingResult plain = await CreateTrainer(data, [], epochs: 3, layers: "100,16,3").TrainAsync();

        Assert.That(augmented.History.Select(h => h.TrainLoss), Is.Not.EqualTo(plain.History.Select(h => h.TrainLoss)));

        // The reported metrics are the trained network's on the validation images as they are.
        EvaluationResult direct = new Evaluator(64, 3).Evaluate(augmented.Network, data.Validation);
        Assert.That((augmented.FinalValidation.Loss, augmented.FinalValidation.Accuracy), Is.EqualTo((direct.Loss, direct.Accuracy)));
        Assert.That(augmented.History[^1].ValidationLoss, Is.EqualTo(direct.Loss));
    }

    [Test]
    public async Task AugmentationSwitchedOff_LeavesTrainingBitForBitAsWithoutIt()
    {
        Dataset data = SyntheticData.Squares();
        TrainingResult off = await CreateTrainer(data, [], epochs: 2, layers: "100,16,3", augmentation: new AugmentationOptions { Enabled = false, MaxShift = 3 }).TrainAsync();
        TrainingResult without = await CreateTrainer(data, [], epochs: 2, layers: "100,16,3").TrainAsync();
        Assert.That(off.History.Select(h => (h.TrainLoss, h.ValidationLoss)), Is.EqualTo(without.History.Select(h => (h.TrainLoss, h.ValidationLoss))));
        Assert.That(off.Network.Parameters.Select(p => p.Value), Is.EqualTo(without.Network.Parameters.Select(p => p.Value)));
    }

    [Test]
    public void AnEvaluationBatchBeyondWhatOnePassCarries_IsRefusedNamingThatKeyAlone_AndAValueThatFits()
    {
        // 4,194,315 values a row: at most 255 rows in one pass. The training batch (16) is fine; 1,000 validation rows at once are not.
        Dataset data = SyntheticData.Blobs(validationRows: 1_000);
        var ex = Assert.ThrowsAsync<TrainingSetupException>(() => CreateTrainer(data, [], epochs: 1, layers: "8,1048576,3", evaluationBatchSize: 1_000).TrainAsync());

        Assert.That(ex!.Message, Is.EqualTo("Training:EvaluationBatchSize 1000: Model:LayerSizes 8,1048576,3 takes 4,194,315 values per image, too many for 1,000 images at once (at most 1,073,741,824 values in one pass); the limit is Training:EvaluationBatchSize ≤ 255"));
        Assert.That(ex.AboutLimit, Is.True);
    }

    [Test]
    public void Augmentation_OnRowsThatAreNotImages_IsAConfigurationError()
    {
        var ex = Assert.ThrowsAsync<TrainingSetupException>(() => CreateTrainer(SyntheticData.Blobs(), [], augmentation: StrongAugmentation).TrainAsync());
        Assert.That(ex!.Message, Does.Contain("Data:Augment:Enabled transforms images, but the blobs training rows are float rows of shape 8, not 8-bit images").And.Contain("set Data:Augment:Enabled=false"));
    }

    [Test]
    public async Task TheContext_OffersTheAugmenter_ToCallbacks()
    {
        ImageAugmenter? seen = null;
        var callback = new Mock<ITrainingCallback>();
        callback.Setup(c => c.OnTrainBegin(It.IsAny<TrainingContext>())).Callback((TrainingContext context) => seen = context.Augmenter);
        await CreateTrainer(SyntheticData.Squares(), [callback.Object], epochs: 1, layers: "100,16,3", augmentation: StrongAugmentation).TrainAsync();
        Assert.That(seen, Is.Not.Null);
        Assert.That(seen!.Shape, Is.EqualTo(new Shape(1, 10, 10)));
        Assert.That(seen.Options.MaxRotationDegrees, Is.EqualTo(30));
    }

    [Test]
    public async Task Train_LowersTheLoss_AndSeparatesSeparableData()
    {
        TrainingResult result = await CreateTrainer(SyntheticData.Blobs(), []).TrainAsync();
        Assert.That(result.History[^1].TrainLoss, Is.LessThan(result.History[0].TrainLoss * 0.5));
        Assert.That(result.FinalValidation.Accuracy, Is.GreaterThan(0.95));
    }

    [TestCase(false, "validation")]
    [TestCase(true, "test")]
    public async Task Train_NamesTheHeldOutSplitItWasJudgedOn(bool validationIsTestSet, string expected)
    {
        Dataset data = SyntheticData.Blobs() with { ValidationIsTestSet = validationIsTestSet };
        TrainingResult result = await CreateTrainer(data, [], epochs: 1).TrainAsync();
        Assert.That(result.HeldOutName, Is.EqualTo(expected));
    }

    [Test]
    public async Task Train_RecordsOneHistoryEntryPerEpoch()
    {
        TrainingResult result = await CreateTrainer(SyntheticData.Blobs(), [], epochs: 4).TrainAsync();
        Assert.That(result.History.Select(h => h.Epoch), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That(result.History.All(h => h.TrainSeconds >= 0 && double.IsFinite(h.ValidationLoss)), Is.True);
    }

    [Test]
    public async Task Train_RecordsTrainAccuracyAndTheLearningRate_PerEpoch()
    {
        TrainingResult result = await CreateTrainer(SyntheticData.Blobs(), [], epochs: 4).TrainAsync();
        Assert.That(result.History.Select(h => h.TrainAccuracy), Is.All.InRange(0.0, 1.0));
        Assert.That(result.History[^1].TrainAccuracy, Is.GreaterThan(result.History[0].TrainAccuracy));
        Assert.That(result.History.Select(h => h.LearningRate), Is.All.EqualTo((double)0.1f));
    }

    [Test]
    public async Task Train_ShowsEachEpochsValidationPass_ToItsCallbacks()
    {
        var seen = new List<(int Epoch, double Accuracy, long Total)>();
        var callback = new Mock<ITrainingCallback>();
        callback.Setup(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.IsAny<EpochMetrics>()))
            .Callback((TrainingContext context, EpochMetrics m) => seen.Add((m.Epoch, context.LastValidation!.Accuracy, context.LastValidation.ConfusionMatrix.Total)));
        Dataset dataset = SyntheticData.Blobs();

        TrainingResult result = await CreateTrainer(dataset, [callback.Object], epochs: 3).TrainAsync();

        Assert.That(seen.Select(s => s.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(seen.Select(s => s.Accuracy), Is.EqualTo(result.History.Select(h => h.ValidationAccuracy)));
        Assert.That(seen.Select(s => s.Total), Is.All.EqualTo(dataset.Validation.Count));
    }

    [Test]
    public async Task Train_CallsEveryCallbackInOrder()
    {
        var calls = new List<string>();
        var callback = new Mock<ITrainingCallback>(MockBehavior.Strict);
        callback.Setup(c => c.OnTrainBegin(It.IsAny<TrainingContext>())).Callback(() => calls.Add("train-begin"));
        callback.Setup(c => c.OnEpochBegin(It.IsAny<TrainingContext>(), It.IsAny<int>())).Callback((TrainingContext _, int e) => calls.Add($"epoch-begin {e}"));
        callback.Setup(c => c.OnBatchEnd(It.IsAny<TrainingContext>(), It.IsAny<int>(), It.IsAny<int>(), It.IsAny<float>()));
        callback.Setup(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.IsAny<EpochMetrics>())).Callback((TrainingContext _, EpochMetrics m) => calls.Add($"epoch-end {m.Epoch}"));
        callback.Setup(c => c.OnTrainEnd(It.IsAny<TrainingContext>(), It.IsAny<TrainingResult>())).Callback(() => calls.Add("train-end"));
        var second = new Mock<ITrainingCallback>();

        await CreateTrainer(SyntheticData.Blobs(trainRows: 100), [callback.Object, second.Object], epochs: 2).TrainAsync();

        Assert.That(calls, Is.EqualTo(new[] { "train-begin", "epoch-begin 1", "epoch-end 1", "epoch-begin 2", "epoch-end 2", "train-end" }));
        callback.Verify(c => c.OnBatchEnd(It.IsAny<TrainingContext>(), It.IsAny<int>(), It.IsAny<int>(), It.IsAny<float>()), Times.Exactly(2 * 7));
        second.Verify(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.IsAny<EpochMetrics>()), Times.Exactly(2));
    }

    [Test]
    public async Task Train_IsDeterministicForASeed()
    {
        TrainingResult a = await CreateTrainer(SyntheticData.Blobs(), [], epochs: 3).TrainAsync();
        TrainingResult b = await CreateTrainer(SyntheticData.Blobs(), [], epochs: 3).TrainAsync();
        Assert.That(b.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy)), Is.EqualTo(a.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy))));
    }

    [Test]
    public async Task Train_GivesIdenticalHistory_OnOneAndTwoThreads()
    {
        // 300 features into 2,048 hidden units: the first layer's products run on the packed blocks and, at batch 16
        // (2·16·300·2048 ≥ 2·MatMul.ParallelFlops), are large enough to be split over two threads.
        Dataset data = SyntheticData.Blobs(trainRows: 160, validationRows: 64, features: 300);
        TrainingResult one = await CreateTrainer(data, [], epochs: 2, layers: "300,2048,3", threads: 1).TrainAsync();
        TrainingResult two = await CreateTrainer(data, [], epochs: 2, layers: "300,2048,3", threads: 2).TrainAsync();
        Assert.That(two.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy)), Is.EqualTo(one.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy))));
        Assert.That(two.FinalValidation.Loss, Is.EqualTo(one.FinalValidation.Loss));
    }

    [Test]
    public async Task Train_EndsWithTheLastEpochsEvaluation_AndItsProbabilities_WhenNoCallbackChangedTheWeights()
    {
        // The reports read the final result's probabilities; scoring the held-out split once more would give the same numbers.
        EvaluationResult? lastEpoch = null;
        var probe = new Mock<ITrainingCallback>();
        probe.Setup(c => c.OnTrainEnd(It.IsAny<TrainingContext>(), It.IsAny<TrainingResult>())).Callback((TrainingContext c, TrainingResult _) => lastEpoch = c.LastValidation);
        Dataset data = SyntheticData.Blobs();
        TrainingResult result = await CreateTrainer(data, [probe.Object], epochs: 2).TrainAsync();

        Assert.That(result.FinalValidation, Is.SameAs(lastEpoch));
        float[] probabilities = result.FinalValidation.Probabilities!;
        Assert.That(probabilities, Has.Length.EqualTo(data.Validation.Count * data.Validation.ClassCount));
        int correct = Enumerable.Range(0, data.Validation.Count).Count(i =>
        {
            float[] row = probabilities[(i * 3)..((i + 1) * 3)];
            return Array.IndexOf(row, row.Max()) == data.Validation.Labels[i];
        });
        Assert.That((double)correct / data.Validation.Count, Is.EqualTo(result.FinalValidation.Accuracy));
        Assert.That(result.FinalValidation.Loss, Is.EqualTo(result.History[^1].ValidationLoss));
    }

    [Test]
    public async Task Train_StopsAfterTheEpoch_WhenACallbackAsksTo()
    {
        var stopper = new Mock<ITrainingCallback>();
        stopper.Setup(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.IsAny<EpochMetrics>())).Callback((TrainingContext c, EpochMetrics _) => c.StopRequested = true);
        TrainingResult result = await CreateTrainer(SyntheticData.Blobs(), [stopper.Object], epochs: 5).TrainAsync();
        Assert.That(result.History, Has.Count.EqualTo(1));
    }

    [Test]
    public void Train_Throws_WhenTheFirstLayerDoesNotMatchTheFeatures()
    {
        var ex = Assert.ThrowsAsync<TrainingSetupException>(() => CreateTrainer(SyntheticData.Blobs(), [], layers: "7,16,3").TrainAsync());
        Assert.That(ex!.Message, Does.Contain("first layer size is 7, but the data has 8 features"));
    }

    [TestCase(1, "every batch holds one row (Training:BatchSize 1)")]
    [TestCase(-1, "the epoch's last batch holds one row")]
    public void BatchNormOverOneRow_IsRefusedBeforeTraining_NamingABatchSizeThatWorks(int batchSize, string expected)
    {
        Dataset data = SyntheticData.Blobs();
        int rows = data.Train.Count;
        var ex = Assert.ThrowsAsync<TrainingSetupException>(() => LayersTrainer(data, batchSize > 0 ? batchSize : rows - 1, "dense 16", "batchnorm", "relu", "dense 3").TrainAsync());
        Assert.That(ex!.Message, Does.Contain($"batch norm bn0 normalises each of its 16 features over the rows of a batch, but {expected}").And.Contain("use a Training:BatchSize that leaves at least 2 rows in every batch, e.g. ").And.Contain("(or train on more images: Data:TrainImages)"));
    }

    [Test]
    public async Task BatchNormOnImages_OrWithTwoRowsInEveryBatch_Trains()
    {
        // Over a 2 × 2 image a channel has four values per row, so even a one-row batch has a variance.
        Dataset images = SyntheticData.Squares();
        Assert.That((await LayersTrainer(images, images.Train.Count - 1, "conv 2 3x3", "batchnorm", "relu", "flatten", "dense 3").TrainAsync()).History, Has.Count.EqualTo(1));
        Dataset blobs = SyntheticData.Blobs();
        Assert.That((await LayersTrainer(blobs, blobs.Train.Count - 2, "dense 16", "batchnorm", "relu", "dense 3").TrainAsync()).History, Has.Count.EqualTo(1));
    }

    private static Trainer LayersTrainer(Dataset dataset, int batchSize, params string[] layers)
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(dataset);
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { Epochs = 1, BatchSize = batchSize, Seed = 3, EvaluationBatchSize = 64, Threads = "1" });
        var model = Microsoft.Extensions.Options.Options.Create(new ModelOptions { Layers = [.. layers] });
        return new Trainer(provider.Object, new NetworkFactory(model, training), new Sgd(0.1f), [], training, model: model);
    }

    [Test]
    public void Train_Throws_NamingModelInitFrom_WhenTheModelItStartsFromTakesAnotherInputSize()
    {
        // The network came from the file (its Model:LayerSizes recorded there), so "set Model:LayerSizes" would loop.
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(SyntheticData.Blobs());
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { Epochs = 1, BatchSize = 16, Threads = "1" });
        var model = Microsoft.Extensions.Options.Options.Create(new ModelOptions { LayerSizes = "7,16,3", InitFrom = "other.snm" });
        var trainer = new Trainer(provider.Object, new NetworkFactory(model, training, Mock.Of<IInitialWeights>()), new Sgd(0.1f), [], training, model: model);

        var ex = Assert.ThrowsAsync<TrainingSetupException>(() => trainer.TrainAsync());
        Assert.That(ex!.Message, Does.Contain("the model in Model:InitFrom (other.snm) takes 7 inputs, but the data has 8 features: Model:InitFrom needs a model trained on rows of the same shape"));
    }

    [Test]
    public void Train_Throws_WhenTheLastLayerDoesNotMatchTheClasses()
    {
        var ex = Assert.ThrowsAsync<TrainingSetupException>(() => CreateTrainer(SyntheticData.Blobs(), [], layers: "8,16,4").TrainAsync());
        Assert.That(ex!.Message, Does.Contain("the last layer (dense1) gives 4 outputs, but the data has 3 classes: set Model:LayerSizes to end with 3"));
    }

    [Test]
    public void Train_StopsAtABatchBoundary_WhenCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var canceller = new Mock<ITrainingCallback>();
        canceller.Setup(c => c.OnBatchEnd(It.IsAny<TrainingContext>(), 1, 3, It.IsAny<float>())).Callback(cancellation.Cancel);
        Assert.CatchAsync<OperationCanceledException>(() => CreateTrainer(SyntheticData.Blobs(), [canceller.Object]).TrainAsync(cancellation.Token));
        canceller.Verify(c => c.OnBatchEnd(It.IsAny<TrainingContext>(), It.IsAny<int>(), It.IsAny<int>(), It.IsAny<float>()), Times.Exactly(4));
    }

    [TestCase(false, "validation rows")]
    [TestCase(true, "test rows")]
    public async Task EpochLogger_NamesTheHeldOutRowsAsWhatTheyAre(bool officialTestSet, string expected)
    {
        var logger = new Mock<ILogger<EpochLogger>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        TrainingResult result = await CreateTrainer(SyntheticData.Blobs() with { ValidationIsTestSet = officialTestSet }, [new EpochLogger(logger.Object)], epochs: 1).TrainAsync();

        Assert.That(result.History, Has.Count.EqualTo(1));
        logger.Verify(
            l => l.Log(LogLevel.Information, It.IsAny<EventId>(), It.Is<It.IsAnyType>((state, _) => state.ToString()!.StartsWith("Training on ", StringComparison.Ordinal) && state.ToString()!.Contains(expected, StringComparison.Ordinal)), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>()),
            Times.Once);
    }

    [Test]
    public async Task EpochLogger_CountsOneEpochInTheSingular()
    {
        var logger = new Mock<ILogger<EpochLogger>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        await CreateTrainer(SyntheticData.Blobs(), [new EpochLogger(logger.Object)], epochs: 1).TrainAsync();

        logger.Verify(
            l => l.Log(LogLevel.Information, It.IsAny<EventId>(), It.Is<It.IsAnyType>((state, _) => state.ToString()!.StartsWith("Training on ", StringComparison.Ordinal) && state.ToString()!.Contains(", 1 epoch of ", StringComparison.Ordinal)), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>()),
            Times.Once,
            "not '1 epochs'");
    }

    [TestCase(1, "batch", "batch")]
    [TestCase(2, "batch", "batches")]
    [TestCase(1, "epoch", "epoch")]
    [TestCase(100, "epoch", "epochs")]
    public void EpochLogger_Plural(long count, string noun, string expected) => Assert.That(EpochLogger.Plural(count, noun), Is.EqualTo(expected));
}
