using Microsoft.Extensions.Logging;
using Moq;
using ScratchNet.Data;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Callbacks;

/// <summary>A run that ends no better than guessing the most common class says so once, naming where to look.</summary>
public sealed class NotLearningHintTests
{
    private static async Task<List<string>> Warnings(ModelOptions model, OptimizerOptions optimizer, Dataset? dataset = null)
    {
        var logger = new Mock<ILogger<NotLearningHint>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var warnings = new List<string>();
        logger.Setup(l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.IsAny<It.IsAnyType>(), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()))
            .Callback(new InvocationAction(i => warnings.Add(i.Arguments[2].ToString()!)));
        var rig = new Rig { Model = model, Optimizer = optimizer, Schedule = new ScheduleOptions(), EarlyStopping = new EarlyStoppingOptions(), Dataset = dataset ?? SyntheticData.Blobs(trainRows: 200, validationRows: 60) };

        await rig.Create(new NotLearningHint(logger.Object)).TrainAsync();
        return warnings;
    }

    [Test]
    public async Task WeightsOfZerosThatNeverLearn_EndWithOneHintNamingDiagnose()
    {
        List<string> warnings = await Warnings(new ModelOptions { LayerSizes = "8,16,3", Initializer = "zeros" }, new OptimizerOptions { Name = "sgd", LearningRate = 0.01f });

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.StartWith("The network has not learned").And.Contain("diagnose").And.Contain("too few steps to learn in (52 this session"), "4 epochs of 13 batches");
    }

    [Test]
    public async Task ASigmoidNetworkThatNeverLearns_IsToldAboutTheSigmoidsSmallGradient()
    {
        List<string> warnings = await Warnings(new ModelOptions { LayerSizes = "8,16,3", Activation = "sigmoid" }, new OptimizerOptions { Name = "sgd", LearningRate = 0.001f });

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.StartWith("The network has not learned").And.Contain("sigmoid activations").And.Contain("Optimizer:LearningRate").And.Contain("52 this session"));
    }

    [Test]
    public async Task ARelusNetworkThatNeverLearns_IsNotToldAboutSigmoids() =>
        Assert.That(await Warnings(new ModelOptions { LayerSizes = "8,16,3", Initializer = "zeros" }, new OptimizerOptions { Name = "sgd", LearningRate = 0.01f }), Has.None.Contain("sigmoid"));

    [Test]
    public async Task ANetworkThatLearns_GetsNoHint() =>
        Assert.That(await Warnings(new ModelOptions { LayerSizes = "8,16,3" }, new OptimizerOptions { Name = "adam", LearningRate = 0.01f }), Is.Empty);

    [Test]
    public async Task AHeldOutSplitOfOneRow_GetsNoHint_SinceNoAccuracyCouldBeatTheGuess() =>
        Assert.That(
            await Warnings(new ModelOptions { LayerSizes = "8,16,3", Initializer = "zeros" }, new OptimizerOptions { Name = "sgd", LearningRate = 0.01f }, SyntheticData.Blobs(trainRows: 200, validationRows: 1)),
            Is.Empty);

    [Test]
    public void TheGuessIsTheMostCommonClassesShare() =>
        Assert.That(NotLearningHint.MostCommonShare([0, 1, 1, 2, 1]), Is.EqualTo(0.6));
}
