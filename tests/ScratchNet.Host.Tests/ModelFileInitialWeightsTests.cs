using Microsoft.Extensions.Logging;
using Moq;
using ScratchNet.Core.Layers;
using ScratchNet.Models;
using ScratchNet.Training;
using ScratchNet.Training.Options;
using static Microsoft.Extensions.Options.Options;

namespace ScratchNet.Host.Tests;

/// <summary>Model:InitFrom read from model files: the network starts from the file's weights, and a mismatch names the tensor.</summary>
public sealed class ModelFileInitialWeightsTests
{
    private static NetworkFactory Factory(string sizes, string? initFrom, int seed = 5) =>
        new(Create(new ModelOptions { LayerSizes = sizes, InitFrom = initFrom }), Create(new TrainingOptions { Seed = seed }), new ModelFileInitialWeights());

    private static string Saved(Sequential network, ModelFormat format)
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-init-{Guid.NewGuid():N}");
        ModelFile.Save(SavedModel.FromNetwork(network, new Dictionary<string, string>(), null), path, format);
        return path;
    }

    [TestCase(ModelFormat.Native)]
    [TestCase(ModelFormat.Safetensors)]
    public void InitFrom_StartsFromTheFilesWeights_NotTheSeed(ModelFormat format)
    {
        Sequential trained = Factory("6,5,3", null, seed: 1).Create(Shape.Flat(6), 4);
        trained.Parameters[1].Value[0] = 0.5f;
        string path = Saved(trained, format);
        try
        {
            Sequential network = Factory("6,5,3", path, seed: 2).Create(Shape.Flat(6), 4);

            for (int i = 0; i < trained.Parameters.Count; i++)
            {
                Assert.That(network.Parameters[i].Value, Is.EqualTo(trained.Parameters[i].Value), trained.Parameters[i].Name);
            }

            Assert.That(Factory("6,5,3", null, seed: 2).Create(Shape.Flat(6), 4).Parameters[0].Value, Is.Not.EqualTo(trained.Parameters[0].Value), "the seeds alone differ");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void InitFrom_SaysInTheLogWhichFileTheRunStartsFrom()
    {
        string path = Saved(Factory("6,5,3", null).Create(Shape.Flat(6), 4), ModelFormat.Native);
        try
        {
            var logger = new Mock<ILogger<ModelFileInitialWeights>>();
            logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
            new NetworkFactory(Create(new ModelOptions { LayerSizes = "6,5,3", InitFrom = path }), Create(new TrainingOptions()), new ModelFileInitialWeights(logger.Object)).Create(Shape.Flat(6), 4);

            logger.Verify(
                l => l.Log(LogLevel.Information, It.IsAny<EventId>(), It.Is<It.IsAnyType>((state, _) => state.ToString()!.Contains(path, StringComparison.Ordinal)), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>()),
                Times.Once);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase("official", "random", 42, true)]
    [TestCase("random", "official", 42, true)]
    [TestCase("random", "random", 7, true)]
    [TestCase("random", "random", 42, false)]
    public void InitFrom_WarnsWhenThisRunsHeldOutRowsMayBeOnesTheWeightsTrainedOn(string trainedSplit, string split, int seed, bool warns)
    {
        var recorded = new Dictionary<string, string> { ["Data:Dataset"] = "mnist", ["Data:Split"] = trainedSplit, ["Data:Seed"] = "42", ["Data:ValidationFraction"] = "0.2" };
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-init-{Guid.NewGuid():N}");
        ModelFile.Save(SavedModel.FromNetwork(Factory("6,5,3", null).Create(Shape.Flat(6), 4), recorded, null), path, ModelFormat.Native);
        try
        {
            var logger = new Mock<ILogger<ModelFileInitialWeights>>();
            logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
            var data = Create(new ScratchNet.Data.Options.DataOptions { Dataset = "mnist", Split = split, Seed = seed, ValidationFraction = 0.2 });
            new NetworkFactory(Create(new ModelOptions { LayerSizes = "6,5,3", InitFrom = path }), Create(new TrainingOptions()), new ModelFileInitialWeights(logger.Object, data)).Create(Shape.Flat(6), 4);

            logger.Verify(
                l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.Is<It.IsAnyType>((state, _) => state.ToString()!.Contains("held-out rows may include images they trained on", StringComparison.Ordinal)), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>()),
                warns ? Times.AtLeastOnce() : Times.Never());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void InitFrom_NamesTheTensorAndBothShapes_WhenTheArchitectureDiffers()
    {
        string path = Saved(Factory("6,5,3", null).Create(Shape.Flat(6), 4), ModelFormat.Safetensors);
        try
        {
            var e = Assert.Throws<ModelFileException>(() => Factory("6,8,3", path).Create(Shape.Flat(6), 4));

            Assert.That(e!.Message, Does.Contain("dense0.weight").And.Contain("(6, 5)").And.Contain("(6, 8)"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void InitFrom_SaysTheImagesDifferInSize_WhenTheSameLayersWereTrainedOnOtherImages()
    {
        // conv → flatten → dense on 1 × 6 × 5 images gives a dense weight of another shape than on 1 × 8 × 8: the layers
        // agree, the images do not, and the message says so instead of blaming the tensor.
        ModelOptions Layers(string? initFrom) => new() { Layers = ["conv 2 3x3", "relu", "flatten", "dense 3"], InitFrom = initFrom };
        string path = Saved(new NetworkFactory(Create(Layers(null)), Create(new TrainingOptions())).Create(new Shape(1, 6, 5), 4), ModelFormat.Native);
        try
        {
            var e = Assert.Throws<ModelFileException>(() =>
                new NetworkFactory(Create(Layers(path)), Create(new TrainingOptions()), new ModelFileInitialWeights()).Create(new Shape(1, 8, 8), 4));

            Assert.That(e!.Message, Does.Contain("was trained on 1 × 6 × 5 inputs, but this data's rows are 1 × 8 × 8").And.Contain("(the same image size)"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void InitFrom_NamesTheTensors_WhenTheShorthandIsGivenOverANetworkOfTheSameImages()
    {
        // Model:LayerSizes over a CNN's file: the MLP reads the same images as flat rows; the layers differ, not the data.
        ModelOptions Layers(string? initFrom) => new() { Layers = ["conv 2 3x3", "relu", "flatten", "dense 3"], InitFrom = initFrom };
        string path = Saved(new NetworkFactory(Create(Layers(null)), Create(new TrainingOptions())).Create(new Shape(1, 6, 5), 4), ModelFormat.Native);
        try
        {
            var e = Assert.Throws<ModelFileException>(() => Factory("30,3", path).Create(Shape.Flat(30), 4));

            Assert.That(e!.Message, Does.StartWith("Tensor dense0.weight").And.Not.Contain("trained on"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
