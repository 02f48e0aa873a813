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

    // A model file of 6-5-3 trained with these data settings, carrying this history; its path.
    private static string Recorded(Dictionary<string, string> configuration, IReadOnlyList<DataHistoryEntry>? history = null)
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-init-{Guid.NewGuid():N}");
        SavedModel model = SavedModel.FromNetwork(Factory("6,5,3", null).Create(Shape.Flat(6), 4), configuration, null) with { DataHistory = history ?? [] };
        ModelFile.Save(model, path, ModelFormat.Native);
        return path;
    }

    private static Dictionary<string, string> Split(string split, int seed = 42) =>
        new() { ["Data:Dataset"] = "mnist", ["Data:Split"] = split, ["Data:Seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Data:ValidationFraction"] = "0.2" };

    // The warnings a run from the file logs with these data settings, and the history its model would carry.
    private static (List<string> Warnings, IReadOnlyList<DataHistoryEntry> History) StartFrom(string path, string split, int seed = 42)
    {
        var warnings = new List<string>();
        var logger = new Mock<ILogger<ModelFileInitialWeights>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        logger.Setup(l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.IsAny<It.IsAnyType>(), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()))
            .Callback(new InvocationAction(i => warnings.Add(i.Arguments[2].ToString()!)));
        var starting = new StartingWeights();
        var data = Create(new ScratchNet.Data.Options.DataOptions { Dataset = "mnist", Split = split, Seed = seed, ValidationFraction = 0.2 });
        new NetworkFactory(Create(new ModelOptions { LayerSizes = "6,5,3", InitFrom = path }), Create(new TrainingOptions()), new ModelFileInitialWeights(logger.Object, data, starting)).Create(Shape.Flat(6), 4);
        return (warnings, starting.DataHistory);
    }

    [Test]
    public void InitFrom_ComparesTheHeldOutRowsWithEveryRunTheWeightsDescendFrom_AndNeverAdvisesASplitThatOverlapsOne()
    {
        // w: official split. r3: started from w, trained on a random split, so its weights have seen both.
        string w = Recorded(Split("official"));
        string r3 = Recorded(new(Split("random")) { ["Model:InitFrom"] = w }, [new DataHistoryEntry(w, Split("official"))]);
        try
        {
            (List<string> sameAsOwn, _) = StartFrom(r3, "random");
            (List<string> official, _) = StartFrom(r3, "official");

            Assert.That(sameAsOwn, Has.Count.EqualTo(1), "r3's own split is random, but its weights trained on w's official training files too");
            Assert.That(sameAsOwn[0], Does.Contain("no Data:Split avoids them all").And.Contain("Data:Split=official").And.Contain("Data:Split=random, Data:Seed=42"));
            Assert.That(official.Single(), Does.Contain("no Data:Split avoids them all"));
            Assert.That(sameAsOwn.Concat(official), Has.None.Contains("Pass --Data:Split"), "every split overlaps one of them");
        }
        finally
        {
            File.Delete(w);
            File.Delete(r3);
        }
    }

    [Test]
    public void InitFrom_AdvisesTheSplitEveryAncestorHeldOut_WithEverySettingThatDiffers()
    {
        // Both runs held out the same rows (random, seed 7); this run draws with seed 42 on an official split's advice.
        string a = Recorded(Split("random", seed: 7));
        string b = Recorded(new(Split("random", seed: 7)) { ["Model:InitFrom"] = a }, [new DataHistoryEntry(a, Split("random", seed: 7))]);
        try
        {
            (List<string> warnings, IReadOnlyList<DataHistoryEntry> history) = StartFrom(b, "official");

            Assert.That(warnings.Single(), Does.Contain($"The weights in {b} were trained with Data:Split=random, Data:Seed=7, but this run uses Data:Split=official, Data:Seed=42")
                .And.EndWith("Pass --Data:Split=random --Data:Seed=7 to hold out the rows they never saw"), "the seed too: a random split with this run's seed overlaps theirs");
            Assert.That(history.Select(e => e.Source), Is.EqualTo(new[] { b }), "the same settings twice are one entry");
        }
        finally
        {
            File.Delete(a);
            File.Delete(b);
        }
    }

    [Test]
    public void InitFrom_SaysAnOverlapCannotBeRuledOut_WhenTheFileStartedFromWeightsWhoseDataItDoesNotRecord()
    {
        // A file written before histories were kept: its run started from parent.snm, whose data it does not say.
        string old = Recorded(new(Split("random")) { ["Model:InitFrom"] = "parent.snm" });
        try
        {
            (List<string> warnings, IReadOnlyList<DataHistoryEntry> history) = StartFrom(old, "random");

            Assert.That(warnings.Single(), Does.Contain($"The weights in {old} descend from parent.snm, whose file does not record the data it was trained on").And.Contain("cannot be ruled out"));
            Assert.That(history, Is.EqualTo(new[] { new DataHistoryEntry(old, Split("random")), new DataHistoryEntry("parent.snm", null) }).Using<DataHistoryEntry>(SameEntry));
        }
        finally
        {
            File.Delete(old);
        }
    }

    private static bool SameEntry(DataHistoryEntry a, DataHistoryEntry b) =>
        a.Source == b.Source && (a.Data is null ? b.Data is null : b.Data is not null && a.Data.OrderBy(p => p.Key).SequenceEqual(b.Data.OrderBy(p => p.Key)));

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

            Assert.That(e!.Problem, Does.StartWith("has tensor dense0.weight").And.Not.Contain("trained on"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
