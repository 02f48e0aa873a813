using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Data.Options;
using ScratchNet.Host.Commands;
using ScratchNet.Data.Imaging;
using ScratchNet.Models;
using ScratchNet.Training;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static Microsoft.Extensions.Options.Options;
using ScratchNet.Data.Splits;

namespace ScratchNet.Host.Tests.Commands;

public sealed class ModelCommandsTests
{
    private readonly List<string> _files = [];

    // What the commands printed as their results.
    private StringWriter _printed = new();

    private ResultWriter Results => new(_printed);

    [SetUp]
    public void ClearPrinted() => _printed = new StringWriter();

    [TearDown]
    public void DeleteFiles() => _files.ForEach(File.Delete);

    // An MLP of these sizes; on images of inputShape (flattened first) when one is given.
    private string SavedModel(int[] sizes, ModelFormat format = ModelFormat.Native, Dictionary<string, string>? configuration = null, Shape? inputShape = null)
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-cmd-{Guid.NewGuid():N}.model");
        _files.Add(path);
        Sequential network = inputShape is { } shape
            ? NetworkBuilder.Build([LayerDefinition.Flatten(), .. sizes.Skip(1).SkipLast(1).SelectMany(n => new[] { LayerDefinition.Dense(n), LayerDefinition.ActivationOf("relu") }), LayerDefinition.Dense(sizes[^1])], shape, 1, "he_normal", 9)
            : Sequential.Mlp(sizes, "relu", "he_normal", 9, 1);
        ModelFile.Save(ScratchNet.Models.SavedModel.FromNetwork(network, configuration ?? new Dictionary<string, string> { ["Data:Split"] = "official" }, null), path, format);
        return path;
    }

    private static Dataset Data(int rows, int features, int classes)
    {
        var rng = new Xoshiro256(4);
        var x = new float[rows * features];
        var labels = new byte[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = (byte)rng.NextInt(classes);
            for (int f = 0; f < features; f++)
            {
                x[(i * features) + f] = (float)rng.NextDouble();
            }
        }

        DataSplit split = DataSplit.FromLabels(x, labels, features, classes);
        return new Dataset("synthetic", split, split, [.. Enumerable.Range(0, classes).Select(c => $"c{c}")]);
    }

    private EvaluateCommand Evaluate(Dataset dataset, string split = "official", ILogger<EvaluateCommand>? logger = null)
    {
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(dataset);
        return new EvaluateCommand(provider.Object, Create(new DataOptions { Split = split }), Create(new TrainingOptions { EvaluationBatchSize = 7 }), Results, logger ?? NullLogger<EvaluateCommand>.Instance);
    }

    // A model of sizes 6-5-3 whose manifest records the hash of trainedOn.
    private string SavedModelOf(Dataset trainedOn)
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-cmd-{Guid.NewGuid():N}.model");
        _files.Add(path);
        var manifest = new RunManifest(9, DatasetHash.Sha256(trainedOn), "test", "2026-11-26T00:00:00Z");
        ModelFile.Save(ScratchNet.Models.SavedModel.FromNetwork(Sequential.Mlp([6, 5, 3], "relu", "he_normal", 9, 1), new Dictionary<string, string> { ["Data:Split"] = "official" }, manifest), path, ModelFormat.Native);
        return path;
    }

    private static Mock<ILogger<EvaluateCommand>> Warnings()
    {
        var logger = new Mock<ILogger<EvaluateCommand>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        return logger;
    }

    private static int ChangedFilesWarnings(Mock<ILogger<EvaluateCommand>> logger) =>
        logger.Invocations.Count(i => i.Method.Name == nameof(ILogger.Log) && (LogLevel)i.Arguments[0] == LogLevel.Warning && i.Arguments[2].ToString()!.Contains("the files changed since", StringComparison.Ordinal));

    [Test]
    public async Task Evaluate_WarnsWhenTheFilesChangedSinceTheModelTrained_UnderTheSameSettings()
    {
        Dataset trainedOn = Data(40, 6, 3);
        string path = SavedModelOf(trainedOn);
        byte[] labels = [.. trainedOn.Validation.Labels];
        labels[0] = (byte)((labels[0] + 1) % 3);
        DataSplit edited = DataSplit.FromLabels(trainedOn.Validation.ReadFeatures(0, 40, new float[40 * 6]).ToArray(), labels, 6, 3);

        Mock<ILogger<EvaluateCommand>> same = Warnings(), changed = Warnings();
        await Evaluate(trainedOn, logger: same.Object).EvaluateAsync(path, CancellationToken.None);
        await Evaluate(trainedOn with { Train = edited, Validation = edited }, logger: changed.Object).EvaluateAsync(path, CancellationToken.None);

        Assert.That(ChangedFilesWarnings(same), Is.Zero);
        Assert.That(ChangedFilesWarnings(changed), Is.EqualTo(1));
    }

    [TestCase(ModelFormat.Native)]
    [TestCase(ModelFormat.Safetensors)]
    public async Task Evaluate_ScoresTheSavedNetworkOnTheHeldOutSplit(ModelFormat format)
    {
        string path = SavedModel([6, 5, 3], format);
        Dataset dataset = Data(40, 6, 3);

        EvaluationResult result = await Evaluate(dataset).EvaluateAsync(path, CancellationToken.None);

        EvaluationResult direct = new Evaluator(40, 3).Evaluate(ModelFile.Load(path).CreateNetwork(40, path), dataset.Validation);
        Assert.That(result.Accuracy, Is.EqualTo(direct.Accuracy));
        Assert.That(result.Loss, Is.EqualTo(direct.Loss).Within(1e-6));
        Assert.That(result.ConfusionMatrix.Total, Is.EqualTo(40));
    }

    [Test]
    public void Evaluate_RefusesAModelThatDoesNotFitTheData()
    {
        string path = SavedModel([6, 5, 3]);

        var e = Assert.ThrowsAsync<ModelFileException>(() => Evaluate(Data(10, 8, 3)).EvaluateAsync(path, CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("takes 6 inputs and gives 3 classes, but the synthetic data has 8 features and 3 classes"));
    }

    [Test]
    public void Evaluate_RefusesACnnWhoseImagesHaveAnotherShape_EvenWithAsManyValues()
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-cmd-{Guid.NewGuid():N}.snm");
        _files.Add(path);
        string[] layers = ["conv 2 3x3 pad 1", "relu", "flatten", "dense 3"];
        Sequential cnn = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(1, 4, 6), 1, "he_normal", 3);
        ModelFile.Save(ScratchNet.Models.SavedModel.FromNetwork(cnn, new Dictionary<string, string>(), null), path, ModelFormat.Native);
        Dataset data = Data(10, 24, 3);

        var e = Assert.ThrowsAsync<ModelFileException>(() => Evaluate(data with { InputShape = new Shape(1, 6, 4) }).EvaluateAsync(path, CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("takes 1 × 4 × 6 images, but the synthetic data has 1 × 6 × 4 inputs"));
        Assert.That(async () => await Evaluate(data with { InputShape = new Shape(1, 4, 6) }).EvaluateAsync(path, CancellationToken.None), Throws.Nothing);
    }

    [Test]
    public void Evaluate_SaysWhichSplitItScores()
    {
        Assert.That(EvaluateCommand.SplitDescription(new DataOptions { Split = "official" }), Does.Contain("official test split (the t10k images)").And.Not.Contain("never trained on"), "a random-split model did train on them");
        Assert.That(EvaluateCommand.SplitDescription(new DataOptions { Split = "random", Seed = 7 }), Does.Contain("Data:Seed=7"));
    }

    [Test]
    public void Evaluate_NamesEveryDataSettingTheModelWasTrainedWithOtherwise()
    {
        var trained = new Dictionary<string, string> { ["Data:Dataset"] = "mnist", ["Data:Split"] = "random", ["Data:Seed"] = "42" };
        SavedModel model = ScratchNet.Models.SavedModel.FromNetwork(Sequential.Mlp([4, 3], "relu", "he_normal", 9, 1), trained, null);

        Assert.That(TrainedData.Differences(model.Configuration, new DataOptions { Dataset = "MNIST", Split = "random", Seed = 42 }), Is.Empty);
        Assert.That(
            TrainedData.Differences(model.Configuration, new DataOptions { Dataset = "fashion-mnist", Split = "official", Seed = 42 }),
            Is.EqualTo(new[] { ("Data:Dataset", "mnist", "fashion-mnist"), ("Data:Split", "random", "official") }));
    }

    [Test]
    public void Evaluate_NamesAnotherHoldOutFractionOrFolder_WhichOverlapTheTrainingRows()
    {
        var trained = new Dictionary<string, string> { ["Data:Dataset"] = "idx", ["Data:Directory"] = "/data/digits", ["Data:Split"] = "random", ["Data:Seed"] = "42", ["Data:ValidationFraction"] = "0.2" };
        SavedModel model = ScratchNet.Models.SavedModel.FromNetwork(Sequential.Mlp([4, 3], "relu", "he_normal", 9, 1), trained, null);

        Assert.That(TrainedData.Differences(model.Configuration, new DataOptions { Dataset = "idx", Directory = "/data/digits/", Split = "random", ValidationFraction = 0.20 }), Is.Empty);
        Assert.That(
            TrainedData.Differences(model.Configuration, new DataOptions { Dataset = "idx", Directory = "/data/other", Split = "random", ValidationFraction = 0.5 }),
            Is.EqualTo(new[] { ("Data:Directory", "/data/digits", "/data/other"), ("Data:ValidationFraction", "0.2", "0.5") }));
        Assert.That(TrainedData.Differences(model.Configuration, new DataOptions { Dataset = "idx", Directory = "/data/digits", Split = "official", Seed = 7, ValidationFraction = 0.5 }).Select(d => d.Key),
            Is.EqualTo(new[] { "Data:Split" }), "seed and fraction mean nothing to the official split");
    }

    [Test]
    public void Evaluate_StoppedOnceTheDataIsLoaded_StopsBeforeTheNextChunk_AndLogsNoResult()
    {
        // Ctrl+C lands while the data loads: the score of a part of the split must not be printed as the model's.
        string path = SavedModel([6, 5, 3]);
        using var stop = new CancellationTokenSource();
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).Callback(stop.Cancel).ReturnsAsync(Data(40, 6, 3));
        var logger = Warnings();
        var command = new EvaluateCommand(provider.Object, Create(new DataOptions { Split = "official" }), Create(new TrainingOptions { EvaluationBatchSize = 7 }), Results, logger.Object);

        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), () => command.RunAsync(CommandLine.Parse(["evaluate", "--model", path]), stop.Token));
        Assert.That(logger.Invocations.Where(i => i.Method.Name == nameof(ILogger.Log)).Select(i => i.Arguments[2].ToString()), Has.None.Contains("accuracy="));
        Assert.That(_printed.ToString(), Is.Empty);
    }

    // A model whose every value is finite, as its file must hold, but whose first weights (3e38, near float32's limit) overflow
    // in the forward pass: the outputs of a run that diverged without a NaN in its weights.
    private string OverflowingModel(int[] sizes, ModelFormat format = ModelFormat.Native, Shape? inputShape = null)
    {
        string path = SavedModel(sizes, format, new Dictionary<string, string> { ["Data:Split"] = "official", ["Data:Dataset"] = "mnist" }, inputShape);
        SavedModel model = ModelFile.Load(path);
        Sequential network = model.CreateNetwork(1, path);
        Array.Fill(network.Parameters.Single(p => p.Name == "dense0.weight").Value, 3e38f);
        ModelFile.Save(ScratchNet.Models.SavedModel.FromNetwork(network, model.Configuration, null), path, format);
        return path;
    }

    [TestCase(ModelFormat.Native)]
    [TestCase(ModelFormat.Safetensors)]
    public void Evaluate_RefusesAModelWhoseFiniteWeightsOverflow_NamingTheLargest_AndPrintsNoScore(ModelFormat format)
    {
        string path = OverflowingModel([6, 5, 3], format);
        Mock<ILogger<EvaluateCommand>> logger = Warnings();

        var e = Assert.ThrowsAsync<ModelFileException>(() => Evaluate(Data(40, 6, 3), logger: logger.Object).RunAsync(CommandLine.Parse(["evaluate", "--model", path]), CancellationToken.None));

        Assert.That(e!.Message, Does.Contain($"The model {path} gives outputs that are not finite on the 40 images of the official test split").And.Contain("its weights overflow float32 in the forward pass (largest |w| 3E+38, in dense0.weight)"));
        Assert.That(Failure.From(e).ExitCode, Is.EqualTo(ExitCodes.InvalidModel));
        Assert.That(logger.Invocations.Where(i => i.Method.Name == nameof(ILogger.Log)).Select(i => i.Arguments[2].ToString()), Has.None.Contains("loss=").And.None.Contains("Confusion"));
        Assert.That(_printed.ToString(), Is.Empty);
    }

    [Test]
    public void Evaluate_WithoutModel_IsAUsageError()
    {
        var e = Assert.ThrowsAsync<UsageException>(() => Evaluate(Data(4, 6, 3)).RunAsync(CommandLine.Parse(["evaluate"]), CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("--model FILE"));
    }

    [Test]
    public void Predict_ReadsAnyNumberOfImagesInPasses_AsInOne()
    {
        // A big network's pass holds fewer images than a folder of them: predict goes through them a pass at a time.
        string model = SavedModel([784, 16, 10]);
        string[] images = [.. Enumerable.Range(0, 5).Select(i =>
        {
            using Image<Rgba32> digit = DigitImages.Draw(80 + i, 90, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 30 + (3 * i), 30, 10);
            return DigitImages.Save(digit, ".png");
        })];
        _files.AddRange(images);

        IReadOnlyList<float[]> once = new PredictCommand(Results, NullLogger<PredictCommand>.Instance).Predict(model, images);
        IReadOnlyList<float[]> inPasses = new PredictCommand(Results, NullLogger<PredictCommand>.Instance) { RowsPerPass = 2 }.Predict(model, images);

        Assert.That(inPasses, Is.EqualTo(once));
    }

    [Test]
    public void Predict_GivesOneProbabilityRowPerImage_FromTheNetworksOwnForwardPass()
    {
        string model = SavedModel([784, 16, 10]);
        using Image<Rgba32> a = DigitImages.Draw(90, 90, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 40, 30, 12);
        using Image<Rgba32> b = DigitImages.Draw(60, 100, new Rgba32(0, 0, 0), new Rgba32(255, 255, 255), 30, 30, 10);
        string[] images = [DigitImages.Save(a, ".png"), DigitImages.Save(b, ".jpg")];
        _files.AddRange(images);

        IReadOnlyList<float[]> rows = new PredictCommand(Results, NullLogger<PredictCommand>.Instance).Predict(model, images);

        Assert.That(rows, Has.Count.EqualTo(2));
        Sequential network = ModelFile.Load(model).CreateNetwork(1, model);
        for (int i = 0; i < 2; i++)
        {
            Assert.That(rows[i].Sum(), Is.EqualTo(1f).Within(1e-5f));
            float[] logits = network.Forward(MnistImagePreprocessor.Load(images[i]), 1);
            var expected = new float[10];
            ScratchNet.Core.Losses.Softmax.Forward(logits.AsSpan(0, 10), expected, 1, 10);
            Assert.That(rows[i], Is.EqualTo(expected).Within(1e-6f));
        }
    }

    [Test]
    public void Predict_Stopped_PrintsNoReadings_AndEndsInterrupted()
    {
        // Ctrl+C among many images: no reading is printed for some and not others, and no success is reported.
        string model = SavedModel([784, 16, 10]);
        using Image<Rgba32> a = DigitImages.Draw(90, 90, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 40, 30, 12);
        string image = DigitImages.Save(a, ".png");
        _files.Add(image);
        var logger = new Mock<ILogger<PredictCommand>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), () => new PredictCommand(Results, logger.Object).RunAsync(CommandLine.Parse(["predict", "--model", model, image, image]), stop.Token));
        Assert.That(logger.Invocations.Where(i => i.Method.Name == nameof(ILogger.Log)), Is.Empty);
        Assert.That(_printed.ToString(), Is.Empty);
    }

    [Test]
    public void Predict_MakesImagesOfTheModelsOwnSize_AndNamesTheClassesItsDatasetNames()
    {
        // An MLP trained on a folder of 20 × 20 IDX images of three named classes.
        string model = SavedModel([400, 8, 3], configuration: new() { ["Data:Dataset"] = "idx", ["Data:ClassNames"] = "vertical,horizontal,diagonal" });
        using Image<Rgba32> a = DigitImages.Draw(90, 90, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 40, 30, 12);
        string image = DigitImages.Save(a, ".png");
        _files.Add(image);
        var logger = new Mock<ILogger<PredictCommand>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);

        float[] row = new PredictCommand(Results, logger.Object).Predict(model, [image]).Single();

        float[] logits = ModelFile.Load(model).CreateNetwork(1, model).Forward(MnistImagePreprocessor.Load(image, ImageField.For("idx", 20, 20)), 1);
        var expected = new float[3];
        ScratchNet.Core.Losses.Softmax.Forward(logits.AsSpan(0, 3), expected, 1, 3);
        Assert.That(row, Is.EqualTo(expected).Within(1e-6f));
        string name = new[] { "vertical", "horizontal", "diagonal" }[Array.IndexOf(row, row.Max())];
        Assert.That(_printed.ToString(), Does.StartWith($"{image}: {name} ("));
    }

    [Test]
    public void Predict_PrintsEachReadingAsAPlainLine_NotALogEvent()
    {
        // A reading is a result: no log level may drop it (Serilog:MinimumLevel:Default=Warning dropped them all, exit 0)
        // and no output template may put a time in front of it (predict … > results.txt held "05:11:28 seven.png: 7 …").
        string model = SavedModel([784, 16, 10]);
        using Image<Rgba32> a = DigitImages.Draw(90, 90, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 40, 30, 12);
        string image = DigitImages.Save(a, ".png");
        _files.Add(image);
        var logger = new Mock<ILogger<PredictCommand>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(false);

        float[] row = new PredictCommand(Results, logger.Object).Predict(model, [image, image])[0];

        int predicted = Array.IndexOf(row, row.Max());
        string probabilities = string.Join(" ", row.Select((p, c) => string.Create(CultureInfo.InvariantCulture, $"{c}:{p:F4}")));
        string line = string.Create(CultureInfo.InvariantCulture, $"{image}: {predicted} (p={row[predicted]:F4})  {probabilities}");
        Assert.That(_printed.ToString(), Is.EqualTo($"{line}{Environment.NewLine}{line}{Environment.NewLine}"));
        Assert.That(logger.Invocations.Where(i => i.Method.Name == nameof(ILogger.Log)).Select(i => (LogLevel)i.Arguments[0]), Has.None.EqualTo(LogLevel.Information));
    }

    [Test]
    public async Task Evaluate_PrintsItsScoreAndConfusionMatrixAsPlainLines_NotLogEvents()
    {
        string path = SavedModel([6, 5, 3]);
        var logger = new Mock<ILogger<EvaluateCommand>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(false);

        EvaluationResult result = await Evaluate(Data(40, 6, 3), logger: logger.Object).EvaluateAsync(path, CancellationToken.None);

        string[] lines = _printed.ToString().Split(Environment.NewLine);
        Assert.That(lines[0], Is.EqualTo(string.Create(CultureInfo.InvariantCulture,
            $"Evaluated {path} on the official test split (the t10k images), 40 images: loss={result.Loss:F4} accuracy={result.Accuracy:F4}")));
        Assert.That(lines[1], Is.EqualTo("Confusion matrix (rows true, columns predicted):"));
        Assert.That(string.Join(Environment.NewLine, lines.Skip(2)).TrimEnd(), Is.EqualTo(ConfusionMatrixTable.Format(result.ConfusionMatrix, ["c0", "c1", "c2"]).TrimEnd()));
        Assert.That(logger.Invocations.Where(i => i.Method.Name == nameof(ILogger.Log)), Is.Empty);
    }

    [Test]
    public void Predict_AsIs_FeedsAnImageOfTheModelsSizeUnprepared_AsTheDatasetsOwnRowsWere()
    {
        // A 6 × 5 IDX image saved as PNG: light ink on dark, off-centre, as IDX sets store them. Prepared the MNIST way
        // it would be cropped, scaled and centred into another image; as it is, the model sees the row it was scored on.
        string model = SavedModel([30, 8, 3], configuration: new() { ["Data:Dataset"] = "idx" }, inputShape: new Shape(1, 6, 5));
        byte[] pixels = [.. Enumerable.Range(0, 30).Select(i => (byte)(i % 7 == 0 ? 250 : i % 5 == 0 ? 90 : 0))];
        using var image = new Image<Rgba32>(5, 6);
        for (int i = 0; i < 30; i++)
        {
            image[i % 5, i / 5] = new Rgba32(pixels[i], pixels[i], pixels[i]);
        }

        string path = DigitImages.Save(image, ".png");
        _files.Add(path);

        float[] row = new PredictCommand(Results, NullLogger<PredictCommand>.Instance).Predict(model, [path], asIs: true).Single();

        float[] logits = ModelFile.Load(model).CreateNetwork(1, model).Forward(pixels.Select(p => p / 255f).ToArray(), 1);
        var expected = new float[3];
        ScratchNet.Core.Losses.Softmax.Forward(logits.AsSpan(0, 3), expected, 1, 3);
        Assert.That(row, Is.EqualTo(expected), "bit for bit the row an IDX file holds");

        // The same digit as white ink whose opacity is the pixel, on a transparent background: transparent is background.
        using var transparent = new Image<Rgba32>(5, 6);
        for (int i = 0; i < 30; i++)
        {
            transparent[i % 5, i / 5] = new Rgba32(255, 255, 255, pixels[i]);
        }

        string clear = DigitImages.Save(transparent, ".png");
        _files.Add(clear);
        Assert.That(new PredictCommand(Results, NullLogger<PredictCommand>.Instance).Predict(model, [clear], asIs: true).Single(), Is.EqualTo(expected), "a transparent background reads as the dark background");
        Assert.That(new PredictCommand(Results, NullLogger<PredictCommand>.Instance).Predict(model, [path]).Single(), Is.Not.EqualTo(expected), "prepared, it is another image");

        using var wrongSize = new Image<Rgba32>(8, 8);
        string other = DigitImages.Save(wrongSize, ".png");
        _files.Add(other);
        var e = Assert.Throws<InputImageException>(() => new PredictCommand(Results, NullLogger<PredictCommand>.Instance).Predict(model, [other], asIs: true));
        Assert.That(e!.Message, Does.Contain("is 8×8 pixels, but --as-is takes images at the model's own size, 5×6"));
    }

    [Test]
    public void Predict_OnAnMlpOfNoSquareImageWhoseFileRecordsNoShape_SaysHowToGetOneThatDoes()
    {
        string model = SavedModel([6, 5, 3]);

        var e = Assert.Throws<ModelFileException>(() => new PredictCommand(Results, NullLogger<PredictCommand>.Instance).Predict(model, ["digit.png"]));

        Assert.That(e!.Message, Does.Contain("does not record the images' shape").And.Contain("train it again with this build, which records the shape"));
    }

    // A model sure of one class whatever it sees: no weights, and a bias of 20 for class 3 (p ≈ 1).
    private string ConfidentModel()
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-cmd-{Guid.NewGuid():N}.model");
        _files.Add(path);
        Sequential network = Sequential.Mlp([784, 10], "relu", "he_normal", 9, 1);
        foreach (Parameter parameter in network.Parameters)
        {
            Array.Clear(parameter.Value);
            if (parameter.Length == 10)
            {
                parameter.Value[3] = 20f;
            }
        }

        ModelFile.Save(ScratchNet.Models.SavedModel.FromNetwork(network, new Dictionary<string, string> { ["Data:Dataset"] = "mnist" }, null), path, ModelFormat.Native);
        return path;
    }

    private static Mock<ILogger<PredictCommand>> Logger()
    {
        var logger = new Mock<ILogger<PredictCommand>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        return logger;
    }

    private static void VerifyWarnings(Mock<ILogger<PredictCommand>> logger, string containing, Times times) =>
        logger.Verify(
            l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.Is<It.IsAnyType>((state, _) => state.ToString()!.Contains(containing, StringComparison.Ordinal)), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>()),
            times);

    [Test]
    public void Predict_WarnsInOneLine_WhenThePictureIsUnlikeOneCentredDigit_AndNotForACleanOne()
    {
        string model = ConfidentModel();
        using Image<Rgba32> clean = DigitImages.Draw(90, 90, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 40, 30, 12);
        using var patch = new Image<Rgba32>(90, 90, new Rgba32(255, 255, 255));
        for (int i = 0; i < 40 * 40; i++)
        {
            patch[25 + (i % 40), 25 + (i / 40)] = new Rgba32(0, 0, 0);
        }

        string[] images = [DigitImages.Save(clean, ".png"), DigitImages.Save(patch, ".png")];
        _files.AddRange(images);
        Mock<ILogger<PredictCommand>> logger = Logger();

        IReadOnlyList<float[]> rows = new PredictCommand(Results, logger.Object).Predict(model, images);

        Assert.That(rows.Select(r => r[3]), Is.All.GreaterThan(0.99f), "the model is sure of both");
        VerifyWarnings(logger, images[0], Times.Never());
        VerifyWarnings(logger, $"{images[1]}: this reading may be wrong: ", Times.Once());
        VerifyWarnings(logger, "of the input is ink, where MNIST's digits have 3 % to 30 %. Try: crop to one digit", Times.Once());
    }

    [Test]
    public void Predict_RefusesAModelWhoseFiniteWeightsOverflow_AndNamesNoClass()
    {
        string model = OverflowingModel([784, 16, 10], inputShape: new Shape(1, 28, 28));
        using Image<Rgba32> a = DigitImages.Draw(90, 90, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 40, 30, 12);
        string image = DigitImages.Save(a, ".png");
        _files.Add(image);
        Mock<ILogger<PredictCommand>> logger = Logger();

        var e = Assert.ThrowsAsync<ModelFileException>(() => new PredictCommand(Results, logger.Object).RunAsync(CommandLine.Parse(["predict", "--model", model, image]), CancellationToken.None));

        Assert.That(e!.Message, Does.Contain($"gives outputs that are not finite on {image}: its weights overflow float32").And.Contain("largest |w| 3E+38, in dense0.weight"));
        Assert.That(Failure.From(e).ExitCode, Is.EqualTo(ExitCodes.InvalidModel));
        Assert.That(logger.Invocations.Where(i => i.Method.Name == nameof(ILogger.Log)), Is.Empty, "no line about a reading");
        Assert.That(_printed.ToString(), Is.Empty, "no reading, no p=NaN");
        Assert.Throws<ModelFileException>(() => new PredictCommand(Results, logger.Object).Predict(model, [image]));
    }

    [Test]
    public async Task Export_WritesAModelWhoseFiniteWeightsOverflow_AsItIs()
    {
        // Its tensors are finite numbers, so the file is valid; that it cannot be scored is evaluate's and predict's to say.
        string model = OverflowingModel([6, 5, 3]);
        string output = Path.ChangeExtension(model, ".safetensors");
        _files.Add(output);

        int code = await new ExportCommand(Results).RunAsync(CommandLine.Parse(["export", "--model", model, "--format", "safetensors"]), CancellationToken.None);

        Assert.That(code, Is.EqualTo(ExitCodes.Success));
        Assert.That(ModelFile.Load(output).CreateNetwork(1, output).Parameters.Single(p => p.Name == "dense0.weight").Value, Is.All.EqualTo(3e38f));
    }

    [Test]
    public void Doubt_NamesALowTopProbability_AndEachOddityWithWhatToTry()
    {
        PreparedImage.Oddity shadow = new("a shadow", "even light");
        PreparedImage.Oddity desk = new("a desk", "crop");

        Assert.That(PredictCommand.Doubt([], 0.97f), Is.Null);
        Assert.That(PredictCommand.Doubt([], 0.41f), Is.EqualTo("this reading may be wrong: the model is unsure (p=0.41). Try: crop closer to one digit and photograph it in even light"));
        Assert.That(PredictCommand.Doubt([shadow, desk], 0.99f), Is.EqualTo("this reading may be wrong: a shadow; a desk. Try: even light; crop"));
    }

    [Test]
    public void Predict_RefusesAModelWhoseInputIsNotAGreyImage()
    {
        string model = SavedModel([6, 3]);

        var e = Assert.Throws<ModelFileException>(() => new PredictCommand(Results, NullLogger<PredictCommand>.Instance).Predict(model, ["x.png"]));
        Assert.That(e!.Message, Does.Contain("takes 6 inputs"));
    }

    [TestCase("onnx", ".onnx")]
    [TestCase("safetensors", ".safetensors")]
    public async Task Export_WritesBesideTheModel_WithTheFormatsExtension(string format, string extension)
    {
        string model = SavedModel([6, 5, 3]);
        string expected = Path.ChangeExtension(model, extension);
        _files.Add(expected);

        int code = await new ExportCommand(Results).RunAsync(CommandLine.Parse(["export", "--model", model, "--format", format]), CancellationToken.None);

        Assert.That(code, Is.EqualTo(ExitCodes.Success));
        Assert.That(new FileInfo(expected).Length, Is.GreaterThan(4 * ((6 * 5) + 5 + (5 * 3) + 3)));
    }

    [TestCase("x.txt", null, "--out {0} does not end in a model file's extension (.onnx, .safetensors, .snm); rename it, or give --format onnx|safetensors|native")]
    [TestCase("x.onxx", null, "does not end in a model file's extension (.onnx, .safetensors, .snm)")]
    [TestCase("x.safetensors", "onnx", "--format onnx contradicts --out {0}, whose extension names the safetensors format")]
    [TestCase("x.snm", "safetensors", "--format safetensors contradicts --out {0}, whose extension names the native format")]
    [TestCase("missing/deeper/x.onnx", null, "the folder {1}/missing/deeper of --out {0} does not exist; create it first")]
    [TestCase("it's missing/x.onnx", null, "does not exist; create it first (mkdir -p '{1}/it'\\''s missing')")]
    [TestCase("m.snm/x.onnx", null, "--out {0} would go inside {1}/m.snm, which is a regular file, not a folder")]
    [TestCase("/proc/x.onnx", null, "--out {0} cannot be written: /proc cannot be written")]
    public void Export_RefusesAnOutItCannotWriteAsAsked_WritingNothing(string out_, string? format, string expected)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"scratchnet-export-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string model = Path.Combine(folder, "m.snm");
            File.Copy(SavedModel([6, 5, 3]), model);
            string output = out_.StartsWith('/') ? out_ : Path.Combine(folder, out_);
            string[] args = format is null ? ["export", "--model", model, "--out", output] : ["export", "--model", model, "--out", output, "--format", format];

            var e = Assert.ThrowsAsync<UsageException>(() => new ExportCommand(Results).RunAsync(CommandLine.Parse(args), CancellationToken.None));

            Assert.That(e!.Message, Does.Contain(string.Format(CultureInfo.InvariantCulture, expected, output, folder)));
            Assert.That(Directory.GetFileSystemEntries(folder), Is.EqualTo(new[] { model }), "nothing created");
            Assert.That(Failure.From(e).ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The write goes through a link at --out: a link into a missing folder made that folder (anywhere, as root), and a
    // loop of links was an unwritable folder's exit 8 with advice to free space.
    [TestCase("missing/deeper/x.onnx", "the folder {1}/missing/deeper of --out {0} (a link to {1}/missing/deeper/x.onnx) does not exist; create it first")]
    [TestCase("loop.onnx", "--out {0} is a link that leads nowhere (round in a loop of links); remove the link")]
    public void Export_ThroughALinkToAMissingFolderOrALoop_IsRefused_CreatingNothing(string target, string expected)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"scratchnet-export-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string model = Path.Combine(folder, "m.snm");
            File.Copy(SavedModel([6, 5, 3]), model);
            string output = Path.Combine(folder, target == "loop.onnx" ? "loop.onnx" : "out.onnx");
            File.CreateSymbolicLink(output, Path.Combine(folder, target));

            var e = Assert.ThrowsAsync<UsageException>(() => new ExportCommand(Results).RunAsync(CommandLine.Parse(["export", "--model", model, "--out", output]), CancellationToken.None));

            Assert.That(e!.Message, Does.Contain(string.Format(CultureInfo.InvariantCulture, expected, output, folder)));
            Assert.That(Directory.GetFileSystemEntries(folder).Order(StringComparer.Ordinal), Is.EqualTo(new[] { model, output }.Order(StringComparer.Ordinal)), "nothing created");
            Assert.That(Failure.From(e).ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Export_ThroughALinkToAFileInAnExistingFolder_WritesThatFile()
    {
        using var dir = new TempDirectory();
        string model = dir.Combine("m.snm"), target = dir.Combine("real.onnx"), link = dir.Combine("link.onnx");
        File.Copy(SavedModel([6, 5, 3]), model);
        File.CreateSymbolicLink(link, target);

        int exit = await new ExportCommand(Results).RunAsync(CommandLine.Parse(["export", "--model", model, "--out", link]), CancellationToken.None);

        Assert.That(exit, Is.EqualTo(ExitCodes.Success));
        Assert.That(File.Exists(target), Is.True, "written through the link, as before");
    }

    [TestCase("x.bin", "native")]
    [TestCase("x.ONNX", null)]
    public async Task Export_TakesAnyNameWithAnExplicitFormat_AndAKnownExtensionInAnyCase(string name, string? format)
    {
        string model = SavedModel([6, 5, 3]);
        string output = Path.Combine(Path.GetDirectoryName(model)!, $"{Guid.NewGuid():N}-{name}");
        _files.Add(output);
        string[] args = format is null ? ["export", "--model", model, "--out", output] : ["export", "--model", model, "--out", output, "--format", format];

        int code = await new ExportCommand(Results).RunAsync(CommandLine.Parse(args), CancellationToken.None);

        Assert.That(code, Is.EqualTo(ExitCodes.Success));
        Assert.That(File.Exists(output));
    }

    [Test]
    public void Help_ListsEveryModelCommandAndItsOptions()
    {
        string help = CommandCatalog.HelpText();

        Assert.That(help, Does.Contain("evaluate --model FILE").And.Contain("predict --model FILE [--as-is] [--format text|json|csv] [--top K] IMAGE|FOLDER").And.Contain("export --model FILE").And.Contain("--Model:InitFrom"));
        Assert.That(CommandCatalog.Check(CommandLine.Parse(["predict", "--model", "m.snm", "a.png"])).Name, Is.EqualTo("predict"));
        Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["predict", "--modle", "m.snm"])));
    }

    [Test]
    public void Failure_GivesModelAndImageErrorsTheirOwnExitCodes()
    {
        Assert.That(Failure.From(new ModelFileException("m.snm", "is bad")), Is.EqualTo(new Failure(ExitCodes.InvalidModel, "The model file m.snm is bad.", false)));
        Assert.That(Failure.From(new InputImageException("bad image")), Is.EqualTo(new Failure(ExitCodes.InvalidInput, "bad image", false)));
    }
}
