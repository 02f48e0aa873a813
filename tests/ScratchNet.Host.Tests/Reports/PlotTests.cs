using ScratchNet.Host.Runs;
using Microsoft.Extensions.Logging;
using Moq;
using Microsoft.Extensions.Logging.Abstractions;
using ScottPlot;
using SkiaSharp;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Metrics;
using ScratchNet.Data;
using ScratchNet.Data.Augmentation;
using ScratchNet.Host.Reports;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Reports;
using ScratchNet.Data.Splits;

namespace ScratchNet.Host.Tests.Reports;

public class PlotTests
{
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly EpochMetrics[] History =
    [
        new(1, 1.2, 0.9, 0.70, 1, 0.1, TrainAccuracy: 0.6, LearningRate: 0.1),
        new(2, 0.6, 0.5, 0.85, 1, 0.1, TrainAccuracy: 0.8, LearningRate: 0.1),
        new(3, 0.04, 0.45, 0.88, 1, 0.1, TrainAccuracy: 0.9, LearningRate: 0.1),
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
        AssertPng(Plots.LossCurves(History, "validation"), "loss");
        AssertPng(Plots.LossCurves(History, "validation", logScale: true), "log loss");
        AssertPng(Plots.AccuracyCurve(History, "validation"), "accuracy");
    }

    [Test]
    public void EpochAxis_HasOnlyWholeNumberTicks()
    {
        foreach (Plot plot in new[] { Plots.LossPlot(History, "validation", logScale: false), Plots.AccuracyPlot(History, "validation") })
        {
            // Ticks are generated when the plot is laid out for an image.
            Plots.Png(plot, Plots.Width, Plots.Height);
            double[] majors = [.. plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position)];
            Assert.That(majors, Is.Not.Empty);
            Assert.That(majors, Is.All.Matches<double>(p => p == Math.Round(p)), string.Join(", ", majors));
        }
    }

    [TestCase("validation")]
    [TestCase("test")]
    public void TitlesAndLegends_NameTheHeldOutSplit(string heldOut)
    {
        Assert.That(Plots.ConfusionPlot(ThreeClasses(), ["a", "b", "c"], heldOut).Axes.Title.Label.Text, Is.EqualTo($"Confusion matrix ({heldOut})"));
        Plot accuracy = Plots.AccuracyPlot(History, heldOut);
        Assert.That(accuracy.Axes.Title.Label.Text, Is.EqualTo($"Accuracy (train and {heldOut})"));
        string[] legends = ["train (mean over the epoch while learning, drawn mid-epoch)", $"{heldOut} (after the epoch)"];
        Assert.That(accuracy.GetPlottables<ScottPlot.Plottables.Scatter>().Select(s => s.LegendText), Is.EqualTo(legends));
        Assert.That(Plots.LossPlot(History, heldOut, logScale: false).GetPlottables<ScottPlot.Plottables.Scatter>().Select(s => s.LegendText), Is.EqualTo(legends));
    }

    [Test]
    public void TrainFiguresSitMidEpoch_HeldOutFiguresAtTheEpochsEnd()
    {
        // The train figure is a mean over the epoch while the network learned; the held-out one is measured after it.
        foreach (Plot plot in new[] { Plots.LossPlot(History, "test", logScale: false), Plots.AccuracyPlot(History, "test") })
        {
            ScottPlot.Plottables.Scatter[] curves = [.. plot.GetPlottables<ScottPlot.Plottables.Scatter>()];
            Assert.That(curves[0].Data.GetScatterPoints().Select(p => p.X), Is.EqualTo(History.Select(h => h.Epoch - 0.5)));
            Assert.That(curves[1].Data.GetScatterPoints().Select(p => p.X), Is.EqualTo(History.Select(h => (double)h.Epoch)));
        }
    }

    [Test]
    public void AccuracyCurve_LeavesOutEpochsWhoseTrainAccuracyIsUnknown()
    {
        EpochMetrics[] resumed = [History[0] with { TrainAccuracy = double.NaN }, History[1], History[2]];
        ScottPlot.Plottables.Scatter train = Plots.AccuracyPlot(resumed, "validation").GetPlottables<ScottPlot.Plottables.Scatter>().First();
        Assert.That(train.Data.GetScatterPoints().Select(p => p.X), Is.EqualTo(new[] { 1.5, 2.5 }));
    }

    [Test]
    public void LogScaleLoss_PlotsLog10OfTheLoss_WithTicksLabelledInLossUnits()
    {
        Plot plot = Plots.LossPlot(History, "validation", logScale: true);
        ScottPlot.Plottables.Scatter train = plot.GetPlottables<ScottPlot.Plottables.Scatter>().First();
        Assert.That(train.Data.GetScatterPoints().Select(p => p.Y), Is.EqualTo(History.Select(h => Math.Log10(h.TrainLoss))).Within(1e-12));
        Assert.That(plot.Axes.Title.Label.Text, Does.Contain("log scale"));
        Plots.Png(plot, Plots.Width, Plots.Height);
        Tick[] majors = [.. plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor)];
        Assert.That(majors.Select(t => t.Label), Is.EqualTo(new[] { "0.05", "0.1", "0.2", "0.5", "1" }));
        Assert.That(majors.Select(t => t.Position), Is.EqualTo(new[] { 0.05, 0.1, 0.2, 0.5, 1 }.Select(Math.Log10)).Within(1e-12));
    }

    [Test]
    public void AFlatAccuracyOfOne_IsDrawnNearTheTopOfAnAxisThatStaysWithinZeroToOne()
    {
        EpochMetrics[] perfect = [.. Enumerable.Range(1, 5).Select(e => new EpochMetrics(e, 0.01, 0.01, 1.0, 1, 0.1, TrainAccuracy: 1.0, LearningRate: 0.1))];
        Plot plot = Plots.AccuracyPlot(perfect, "validation");
        Plots.Png(plot, Plots.Width, Plots.Height);
        AxisLimits limits = plot.Axes.GetLimits();
        Assert.That((limits.Bottom, limits.Top), Is.EqualTo((0.98, 1.02)).Using<(double, double)>((a, b) => Math.Abs(a.Item1 - b.Item1) < 1e-9 && Math.Abs(a.Item2 - b.Item2) < 1e-9));
    }

    [Test]
    public void LossesOfZero_OnALogScale_KeepTheWholeRunOnTheEpochAxis_AndTheTitleSaysTheyAreLeftOut()
    {
        EpochMetrics[] solved = [.. Enumerable.Range(1, 5).Select(e => new EpochMetrics(e, e == 1 ? 0.5 : 0, e == 1 ? 0.4 : 0, 1.0, 1, 0.1, TrainAccuracy: 1.0, LearningRate: 0.1))];
        Plot plot = Plots.LossPlot(solved, "validation", logScale: true);
        Plots.Png(plot, Plots.Width, Plots.Height);
        Assert.That(plot.Axes.GetLimits().Right, Is.GreaterThanOrEqualTo(5));
        Assert.That(plot.Axes.Title.Label.Text, Does.Contain("8 points of loss 0 not drawn"));
    }

    [TestCase(0.04, 0.25, new[] { "0.05", "0.1", "0.2" })]
    [TestCase(0.25, 0.45, new[] { "0.3", "0.4" })]
    [TestCase(0.31, 0.39, new[] { "0.31", "0.39" })]
    [TestCase(0.5, 30, new[] { "0.5", "1", "2", "5", "10", "20" })]
    public void LogTicks_LabelOneTwoFive_OrEveryMultiple_OrTheEnds(double min, double max, string[] labels)
    {
        Assert.That(Plots.LogTicks(min, max).Where(t => t.IsMajor).Select(t => t.Label), Is.EqualTo(labels));
    }

    [Test]
    public void ConfusionHeatmap_IsANonEmptyPng_WithLongClassNames()
    {
        var m = new ConfusionMatrix(3);
        m.Add(0, 0);
        m.Add(1, 2);
        m.Add(2, 2);
        AssertPng(Plots.ConfusionHeatmap(m, ["T-shirt/top", "Trouser", "Ankle boot"], "test"), "confusion");
    }

    [Test]
    public void ConfusionHeatmap_TintsAOnePercentConfusion_VisiblyAwayFromAnEmptyCell()
    {
        ConfusionMatrix m = ThreeClasses();
        Plot plot = Plots.ConfusionPlot(m, ["a", "b", "c"], "validation");
        using SKBitmap image = SKBitmap.Decode(Plots.Png(plot, Plots.ConfusionWidth, Plots.ConfusionHeight));

        // Sampled near a cell's corner, away from the count printed in its centre. Row a is drawn at y = k − a − 1 … k − a.
        SKColor Cell(int a, int p)
        {
            Pixel pixel = plot.GetPixel(new Coordinates(p + 0.15, 3 - a - 0.15));
            return image.GetPixel((int)pixel.X, (int)pixel.Y);
        }

        static int Distance(SKColor x, SKColor y) => Math.Abs(x.Red - y.Red) + Math.Abs(x.Green - y.Green) + Math.Abs(x.Blue - y.Blue);
        SKColor empty = Cell(0, 2);
        SKColor onePercent = Cell(0, 1);
        SKColor diagonal = Cell(0, 0);
        Assert.That(empty.Red + empty.Green + empty.Blue, Is.GreaterThan(3 * 235), "an empty cell is (near) white");
        Assert.That(Distance(onePercent, empty), Is.GreaterThan(40), $"1 % confusion {onePercent} vs empty {empty}");
        Assert.That(Distance(diagonal, onePercent), Is.GreaterThan(Distance(onePercent, empty)), "the 99 % diagonal is darker still");
    }

    [Test]
    public void FirstLayerWeights_DrawsOnlyADenseLayerThatSeesPixels_NotOneAfterAConvolution()
    {
        Sequential mlp = Sequential.Mlp([784, 8, 10], "relu", "he_normal", 1, 1);
        Assert.That(FirstLayerWeights.Find(mlp)?.Name, Is.EqualTo("dense0"));

        // 16 × 7 × 7 = 784 features after the pool: a square number, but they are not pixels.
        string[] layers = ["conv 16 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10"];
        Sequential cnn = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(1, 14, 14), 1, "he_normal", 1);
        Assert.That(cnn.Layers.OfType<Dense>().Single().InputSize, Is.EqualTo(784));
        Assert.That(FirstLayerWeights.Find(cnn), Is.Null);
    }

    [Test]
    public void FirstLayerWeights_DrawsOneTilePerUnit_RedForPositiveBlueForNegative()
    {
        // 4 inputs (2 × 2) into 2 units: unit 0 all +1, unit 1 all −1 (w is (inputs, units) row-major).
        float[] w = [1, -1, 1, -1, 1, -1, 1, -1];
        using SKBitmap image = SKBitmap.Decode(FirstLayerWeights.Draw(w, inputs: 4, units: 2));
        List<SKColor> colours = [.. Enumerable.Range(0, image.Height).SelectMany(y => Enumerable.Range(0, image.Width).Select(x => image.GetPixel(x, y)))];
        Assert.That(colours.Any(c => c.Red > 180 && c.Blue < 60), Is.True, "a red tile");
        Assert.That(colours.Any(c => c.Blue > 150 && c.Red < 30), Is.True, "a blue tile");
        Assert.That(() => FirstLayerWeights.Draw(new float[5 * 2], inputs: 5, units: 2), Throws.ArgumentException.With.Message.Contains("not a square image"));
    }

    [Test]
    public void ConvolutionFilters_DrawsEachFiltersChannels_RedForPositiveBlueForNegative_ScaledPerFilter()
    {
        // Two 2 × 2 filters over 2 channels, (filters, channels, kH, kW): filter 0 all +1, filter 1 all −0.001
        // (scaled to its own largest |w|, so as blue as filter 0 is red).
        float[] w = [1, 1, 1, 1, 1, 1, 1, 1, -0.001f, -0.001f, -0.001f, -0.001f, -0.001f, -0.001f, -0.001f, -0.001f];
        using SKBitmap image = SKBitmap.Decode(ConvolutionFilters.Draw(w, filters: 2, channels: 2, kernelHeight: 2, kernelWidth: 2, "conv0"));
        List<SKColor> colours = [.. Enumerable.Range(0, image.Height).SelectMany(y => Enumerable.Range(0, image.Width).Select(x => image.GetPixel(x, y)))];

        int red = colours.Count(c => c.Red > 180 && c.Blue < 60), blue = colours.Count(c => c.Blue > 150 && c.Red < 30);
        Assert.That(red, Is.EqualTo(2 * (2 * 2) * (20 * 20)), "two channel tiles of 2 × 2 weights, 20 × 20 pixels a weight");
        Assert.That(blue, Is.EqualTo(red));
        Assert.That(() => ConvolutionFilters.Draw(new float[7], 2, 2, 2, 2, "conv0"), Throws.ArgumentException.With.Message.Contains("need 16"));
    }

    [Test]
    public void PlotWriter_DrawsTheFirstConvolutionsFilters_AndNoPixelWeights_ForACnn()
    {
        var (context, result) = TinyRun(features: 16);
        string[] layers = ["conv 3 3x3 pad 1", "relu", "flatten", "dense 2"];
        Sequential cnn = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(1, 4, 4), 8, "he_normal", 1);

        Writer().OnTrainEnd(new TrainingContext(cnn, context.Optimizer, context.Dataset, 3, 1), result with { Network = cnn });

        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "loss.png", "accuracy.png", "confusion.png", PlotWriter.FiltersFile, "misclassified.png" }));
        AssertPng(File.ReadAllBytes(Path.Combine(_folder, PlotWriter.FiltersFile)), PlotWriter.FiltersFile);
    }

    [Test]
    public void MisclassifiedGrid_IsANonEmptyPng_EvenWithNoMistakes()
    {
        var features = new float[2 * 16];
        features.AsSpan(0, 16).Fill(1f);
        AssertPng(MisclassifiedGrid.Draw(features, 4, 4, [new Misclassification(0, 1, 0, 0.9f)], ["a", "b"]), "grid");
        AssertPng(MisclassifiedGrid.Draw(features, 4, 4, [], ["a", "b"]), "empty grid");
    }

    [Test]
    public void PlotWriter_DrawsTheMistakesOfImagesThatAreNotSquare_InTheirOwnShape()
    {
        // 6 × 5 images: 30 features, no square side, and still images.
        var (context, result) = TinyRun(features: 30);
        Dataset images = context.Dataset with { InputShape = new Shape(1, 6, 5) };
        Writer().OnTrainEnd(new TrainingContext(context.Network, context.Optimizer, images, 3, 1), result);
        AssertPng(File.ReadAllBytes(Path.Combine(_folder, "misclassified.png")), "misclassified.png");
    }

    [Test]
    public void PlotWriter_WritesEveryChart_IntoTheRunFolder()
    {
        var (context, result) = TinyRun(features: 16);
        Writer().OnTrainEnd(context, result);
        foreach (string name in PlotWriter.FileNames)
        {
            AssertPng(File.ReadAllBytes(Path.Combine(_folder, name)), name);
        }
    }

    [Test]
    public void PlotWriter_SkipsOnlyThePictures_WhenRowsAreNotSquareImages()
    {
        var (context, result) = TinyRun(features: 5);
        Writer().OnTrainEnd(context, result);
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "loss.png", "accuracy.png", "confusion.png" }));
    }

    [Test]
    public void AugmentationPreview_WritesAugmentedPng_OnlyWhenAugmentationIsOn()
    {
        const int side = 8;
        byte[] pixels = [.. Enumerable.Range(0, 5 * side * side).Select(i => (byte)(i * 37 % 256))];
        DataSplit split = DataSplit.FromPixels(pixels, [0, 1, 1, 2, 0], side * side, 3);
        var dataset = new Dataset("toy", split, split, ["a", "b", "c"]);
        Sequential network = Sequential.Mlp([side * side, 3], "relu", "he_normal", 1, 8);
        var preview = new AugmentationPreview(new RunFolder(_folder), NullLogger<AugmentationPreview>.Instance);

        preview.OnTrainBegin(new TrainingContext(network, new Sgd(0.1f), dataset, 3, 1));
        Assert.That(Directory.GetFiles(_folder), Is.Empty, "off: no picture");

        var augmenter = new ImageAugmenter(new AugmentationOptions { Enabled = true, Elastic = true, ElasticSigma = 1 }, new Shape(1, side, side), seed: 1);
        preview.OnTrainBegin(new TrainingContext(network, new Sgd(0.1f), dataset, 3, 1) { Augmenter = augmenter });
        AssertPng(File.ReadAllBytes(Path.Combine(_folder, AugmentationPreview.FileName)), AugmentationPreview.FileName);
    }

    [TestCase(false, "no elastic distortion")]
    [TestCase(true, "elastic distortion alpha 34 px, sigma 4 px")]
    public void AugmentationPreview_NamesElasticsSettingsOnlyWhenItIsOn(bool elastic, string expected)
    {
        const int side = 8;
        byte[] pixels = [.. Enumerable.Range(0, 5 * side * side).Select(i => (byte)(i * 37 % 256))];
        DataSplit split = DataSplit.FromPixels(pixels, [0, 1, 1, 2, 0], side * side, 3);
        var dataset = new Dataset("toy", split, split, ["a", "b", "c"]);
        Sequential network = Sequential.Mlp([side * side, 3], "relu", "he_normal", 1, 8);
        var logger = new Mock<ILogger<AugmentationPreview>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var preview = new AugmentationPreview(new RunFolder(_folder), logger.Object);
        var augmenter = new ImageAugmenter(new AugmentationOptions { Enabled = true, Elastic = elastic }, new Shape(1, side, side), seed: 1);

        preview.OnTrainBegin(new TrainingContext(network, new Sgd(0.1f), dataset, 3, 1) { Augmenter = augmenter });

        // Not "elastic False (alpha 34, sigma 4)": a C# boolean, and settings nothing used.
        logger.Verify(
            l => l.Log(LogLevel.Information, It.IsAny<EventId>(), It.Is<It.IsAnyType>((v, _) => v.ToString()!.Contains(expected) && !v.ToString()!.Contains("False") && !v.ToString()!.Contains("True")), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()),
            Times.Once);
    }

    [Test]
    public void AugmentationPreview_ShowsTheFirstImageOfEveryClass_InClassOrder()
    {
        const int side = 8, classes = 12;
        byte[] pixels = new byte[2 * classes * side * side];
        byte[] labels = [.. Enumerable.Range(0, 2 * classes).Select(r => (byte)(classes - 1 - (r % classes)))];
        DataSplit split = DataSplit.FromPixels(pixels, labels, side * side, classes);

        int[] rows = AugmentationPreview.ExampleRows(split);

        Assert.That(rows.Select(r => (int)split.Labels[r]), Is.EqualTo(Enumerable.Range(0, classes)), "one row per class, not the first 8");
        Assert.That(rows, Is.EqualTo(Enumerable.Range(0, classes).Reverse()), "each class's first row");
    }

    [Test]
    public void AugmentationPreview_KeepsItsTitleInsideThePicture_WithElasticOnSmallImages()
    {
        const int side = 8;
        DataSplit split = DataSplit.FromPixels(new byte[3 * side * side], [0, 1, 2], side * side, 3);
        var augmenter = new ImageAugmenter(new AugmentationOptions { Enabled = true, Elastic = true, ElasticAlpha = 34.5, ElasticSigma = 4.25, ScaleRange = 0.125 }, new Shape(1, side, side), seed: 1);

        using var bitmap = SkiaSharp.SKBitmap.Decode(AugmentationPreview.Draw(augmenter, split, ["a", "b", "c"]));

        // The title's rows: nothing drawn in the right margin (a cut title runs into the edge).
        for (int y = 0; y < 40; y++)
        {
            for (int x = bitmap.Width - 6; x < bitmap.Width; x++)
            {
                Assert.That(bitmap.GetPixel(x, y).Red, Is.GreaterThan(200), $"ink at ({x}, {y}) in the right margin");
            }
        }
    }

    [Test]
    public void PlotWriter_WhoseDrawingRunsOutOfMemory_LogsOneWarning_AndDrawsTheOthers()
    {
        // Under ulimit -v the plotting library's own allocations can fail once training has finished; the run's result
        // (and exit code) must not depend on a chart.
        var (context, result) = TinyRun(features: 16);
        var starved = new Sequential([new OutOfMemoryLayer(16, 2)]);
        var logger = new Mock<ILogger<PlotWriter>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var writer = new PlotWriter(new RunFolder(_folder), Microsoft.Extensions.Options.Options.Create(new ReportsOptions()), logger.Object);

        Assert.DoesNotThrow(() => writer.OnTrainEnd(new TrainingContext(starved, context.Optimizer, context.Dataset, 3, 1), result with { Network = starved }));

        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "loss.png", "accuracy.png", "confusion.png" }), "misclassified.png needs the network's predictions");
        logger.Verify(l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.Is<It.IsAnyType>((v, _) => v.ToString()!.Contains("misclassified.png")), It.IsAny<Exception?>(), It.IsAny<Func<It.IsAnyType, Exception?, string>>()), Times.Once);
    }

    // A layer whose forward pass cannot get its memory.
    private sealed class OutOfMemoryLayer(int inputs, int outputs) : ILayer
    {
        public string Name => "starved";

        public ScratchNet.Core.Layers.Shape InputShape => ScratchNet.Core.Layers.Shape.Flat(inputs);

        public ScratchNet.Core.Layers.Shape OutputShape => ScratchNet.Core.Layers.Shape.Flat(outputs);

        public int InputSize => inputs;

        public int OutputSize => outputs;

        public int Capacity => 8;

        public IReadOnlyList<Parameter> Parameters => [];

        public IReadOnlyList<StateTensor> State => [];

        public float[] Forward(ReadOnlyMemory<float> x, int n) => throw new OutOfMemoryException();

        public float[]? Backward(float[] dY, int n, bool computeInputGradient) => throw new OutOfMemoryException();
    }

    private PlotWriter Writer() =>
        new(new RunFolder(_folder), Microsoft.Extensions.Options.Options.Create(new ReportsOptions()), NullLogger<PlotWriter>.Instance);

    // Class a: 99 right, 1 taken for b; b and c: 100 right each; nothing is ever taken for c from a.
    private static ConfusionMatrix ThreeClasses()
    {
        var m = new ConfusionMatrix(3);
        for (int i = 0; i < 100; i++)
        {
            m.Add(0, i == 0 ? 1 : 0);
            m.Add(1, 1);
            m.Add(2, 2);
        }

        return m;
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
