using Microsoft.Extensions.Logging;
using Moq;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Callbacks;

/// <summary>A network that ends in an activation or dropout after its last weighted layer trains, with one warning naming them.</summary>
public sealed class TrailingLayersWarningTests
{
    private static async Task<List<string>> Warnings(params string[] layers)
    {
        var logger = new Mock<ILogger<TrailingLayersWarning>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var warnings = new List<string>();
        logger.Setup(l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.IsAny<It.IsAnyType>(), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()))
            .Callback(new InvocationAction(i => warnings.Add(i.Arguments[2].ToString()!)));
        var rig = new Rig
        {
            Training = new TrainingOptions { Epochs = 1, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Model = new ModelOptions { Layers = [.. layers] },
        };

        await rig.Create(new TrailingLayersWarning(logger.Object)).TrainAsync();
        return warnings;
    }

    [Test]
    public async Task AnActivationOrDropoutAfterTheLastDenseLayer_IsOneWarningNamingThem()
    {
        List<string> warnings = await Warnings("dense 16", "relu", "dense 3", "relu", "dropout 0.5");

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.StartWith("The network ends in relu1, dropout0 after its last weighted layer dense1").And.Contain("softmax").And.Contain("dropout zeroes some at random"));
    }

    [TestCase("dense 16", "relu", "dense 3")]
    [TestCase("dense 16", "relu", "dense 3", "batchnorm")]
    public async Task ANetworkEndingInItsScores_OrTheirBatchNorm_IsNoWarning(params string[] layers) =>
        Assert.That(await Warnings(layers), Is.Empty);
}
