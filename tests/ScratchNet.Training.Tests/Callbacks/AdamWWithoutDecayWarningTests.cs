using Microsoft.Extensions.Logging;
using Moq;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Callbacks;

/// <summary>
/// adamw with Optimizer:WeightDecay 0 trains exactly as adam; someone porting torch.optim.AdamW (default weight_decay
/// 0.01) is told so once, at the start. Any decay, or another optimizer, is no warning.
/// </summary>
public sealed class AdamWWithoutDecayWarningTests
{
    private static async Task<List<string>> Warnings(OptimizerOptions optimizer)
    {
        var logger = new Mock<ILogger<AdamWWithoutDecayWarning>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var warnings = new List<string>();
        logger.Setup(l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.IsAny<It.IsAnyType>(), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()))
            .Callback(new InvocationAction(i => warnings.Add(i.Arguments[2].ToString()!)));
        var rig = new Rig
        {
            Dataset = SyntheticData.Blobs(trainRows: 60, validationRows: 20, features: 3, classes: 3),
            Training = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Model = new ModelOptions { Layers = ["dense 4", "relu", "dense 3"] },
            Optimizer = optimizer,
        };

        await rig.Create(new AdamWWithoutDecayWarning(logger.Object)).TrainAsync();
        return warnings;
    }

    [Test]
    public async Task AdamWWithTheDefaultDecay_IsOneWarningNamingPytorchsDefaultAndTheKey()
    {
        List<string> warnings = await Warnings(new OptimizerOptions { Name = "adamw", LearningRate = 0.01f });

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("trains exactly as adam").And.Contain("weight_decay 0.01").And.Contain("Optimizer:WeightDecay"));
    }

    [TestCase("adamw", 0.01f)]
    [TestCase("adam", 0f)]
    [TestCase("sgd", 0f)]
    [TestCase("rmsprop", 0f)]
    public async Task AnyDecay_OrAnotherOptimizer_IsNoWarning(string name, float weightDecay) =>
        Assert.That(await Warnings(new OptimizerOptions { Name = name, LearningRate = 0.01f, WeightDecay = weightDecay }), Is.Empty);
}
