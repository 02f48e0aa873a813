using Microsoft.Extensions.Logging;
using Moq;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Tests.Callbacks;

/// <summary>A network with no trainable parameter trains (it is valid), with one warning that no step can change it.</summary>
public sealed class NoParametersWarningTests
{
    private static async Task<List<string>> Warnings(params string[] layers)
    {
        var logger = new Mock<ILogger<NoParametersWarning>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var warnings = new List<string>();
        logger.Setup(l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.IsAny<It.IsAnyType>(), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()))
            .Callback(new InvocationAction(i => warnings.Add(i.Arguments[2].ToString()!)));
        var rig = new Rig
        {
            // As many features as classes: a network of activations alone fits the data.
            Dataset = SyntheticData.Blobs(trainRows: 60, validationRows: 20, features: 3, classes: 3),
            Training = new TrainingOptions { Epochs = 1, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 },
            Model = new ModelOptions { Layers = [.. layers] },
        };

        await rig.Create(new NoParametersWarning(logger.Object)).TrainAsync();
        return warnings;
    }

    [Test]
    public async Task ANetworkOfNoParameters_IsOneWarningSayingWhatToAdd()
    {
        List<string> warnings = await Warnings("relu");

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("has no trainable parameters").And.Contain("add a dense or conv layer to Model:Layers"));
    }

    [Test]
    public async Task ANetworkWithWeights_IsNoWarning() =>
        Assert.That(await Warnings("dense 4", "relu", "dense 3"), Is.Empty);
}
