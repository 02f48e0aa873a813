using ScratchNet.Host.Runs;
using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Metrics;
using ScratchNet.Data;
using ScratchNet.Host.Reports;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Metrics;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Reports;

namespace ScratchNet.Host.Tests.Reports;

public class PlotTests
{
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly EpochMetrics[] History =
    [
        new(1, 1.2, 0.9, 0.70, 1, 0.1),
        new(2, 0.6, 0.5, 0.85, 1, 0.1),
        new(3, 0.4, 0.45, 0.88, 1, 0.1),
    ];

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("scratchnet-plots-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static void AssertPng(byte[] bytes, string what)
    {
        Assert.That(bytes.Length, Is.GreaterThan(1000), what);
        Assert.That(bytes[..8], Is.EqualTo(PngMagic), what);
    }

    [Test]
    public void Curves_AreNonEmptyPngs()
    {
        AssertPng(Plots.LossCurves(History), "loss");
        AssertPng(Plots.AccuracyCurve(History), "accuracy");
    }

    [Test]
    public void ConfusionHeatmap_IsANonEmptyPng_WithLongClassNames()
    {
        var m = new ConfusionMatrix(3);
        m.Add(0, 0);
        m.Add(1, 2);
        m.Add(2, 2);
        AssertPng(Plots.ConfusionHeatmap(m, ["T-shirt/top", "Trouser", "Ankle boot"]), "confusion");
    }

    [Test]
    public void MisclassifiedGrid_IsANonEmptyPng_EvenWithNoMistakes()
    {
        var features = new float[2 * 16];
        features.AsSpan(0, 16).Fill(1f);
        AssertPng(MisclassifiedGrid.Draw(features, 4, [new Misclassification(0, 1, 0, 0.9f)], ["a", "b"]), "grid");
        AssertPng(MisclassifiedGrid.Draw(features, 4, [], ["a", "b"]), "empty grid");
    }

    [Test]
    public void PlotWriter_WritesEveryChart_IntoTheRunFolder()
    {
        var (context, result) = TinyRun(features: 16);
        new PlotWriter(new RunFolder(_folder), NullLogger<PlotWriter>.Instance).OnTrainEnd(context, result);
        foreach (string name in PlotWriter.FileNames)
        {
            AssertPng(File.ReadAllBytes(Path.Combine(_folder, name)), name);
        }
    }

    [Test]
    public void PlotWriter_SkipsOnlyTheGrid_WhenRowsAreNotSquareImages()
    {
        var (context, result) = TinyRun(features: 5);
        new PlotWriter(new RunFolder(_folder), NullLogger<PlotWriter>.Instance).OnTrainEnd(context, result);
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "loss.png", "accuracy.png", "confusion.png" }));
    }

    private static (TrainingContext Context, TrainingResult Result) TinyRun(int features)
    {
        var x = new float[6 * features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (i * 7 % 11) / 11f;
        }

        DataSplit split = DataSplit.FromLabels(x, [0, 1, 0, 1, 0, 1], features, 2);
        var dataset = new Dataset("toy", split, split, ["a", "b"]);
        Sequential network = Sequential.Mlp([features, 2], "relu", "he_normal", 1, 8);
        var context = new TrainingContext(network, new Sgd(0.1f), dataset, 3, 1);
        var confusion = new ConfusionMatrix(2);
        confusion.AddBatch(Predictions.Probabilities(network, split), split.Labels, split.Count);
        return (context, new TrainingResult(History, new EvaluationResult(0.5, confusion.Accuracy, confusion), network, dataset.ClassNames));
    }
}
