using System.Text.RegularExpressions;
using ScratchNet.Host.Reports;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Models;
using ScratchNet.Training.Reports;
using SixLabors.ImageSharp.PixelFormats;

namespace ScratchNet.Host.Tests;

/// <summary>A convolutional network from Model:Layers, through the real host as a user runs it, on a tiny IDX set (8 × 8 images): seconds, not minutes.</summary>
[Category("Integration")]
public sealed class ConvolutionalHostTests
{
    private static readonly string[] Cnn =
    [
        "--Model:Layers:0=conv 4 3x3 pad 1", "--Model:Layers:1=batchnorm", "--Model:Layers:2=relu", "--Model:Layers:3=maxpool 2",
        "--Model:Layers:4=flatten", "--Model:Layers:5=dropout 0.1", "--Model:Layers:6=dense 10",
    ];

    private TempDirectory _dir = null!;
    private string[] _data = [];

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _data = [.. SyntheticIdx.Write(_dir.Combine("idx"), side: 8, trainRows: 200, testRows: 50).Where(a => !a.StartsWith("--Model:", StringComparison.Ordinal))];
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private HostResult Run(params string[] args) =>
        HostProcess.Run([.. args, .. _data, "--Checkpoints:Directory=" + _dir.Combine("ckpt"), "--Run:Directory=" + _dir.Combine("runs")], _dir.Path, TimeSpan.FromSeconds(120));

    [Test]
    public void TrainRunsACnnPrintsItsSummaryAndWritesTheModelAndItsFilters()
    {
        HostResult result = Run(["train", .. Cnn, "--Training:Epochs=2", "--Training:BatchSize=16"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("Network of 7 layers on 1 × 8 × 8 inputs, 698 trainable and 8 non-trainable parameters"));
        Assert.That(result.Lines, Has.Some.Matches<string>(l => l.StartsWith("1  conv0     conv 4 3x3 pad 1  4 × 8 × 8", StringComparison.Ordinal)));
        Assert.That(result.Lines, Has.Some.Matches<string>(l => l.StartsWith("7  dense0    dense 10", StringComparison.Ordinal)));
        Assert.That(result.Output, Does.Not.Contain("Did not write model.snm").And.Not.Contain("Could not write the chart"), result.ToString());
        string runFolder = RunFolder();
        Assert.That(File.ReadAllLines(Path.Combine(runFolder, HistoryWriter.CsvFile)), Has.Length.EqualTo(3), "a header and two epochs");
        SavedModel model = ModelFile.Load(Path.Combine(runFolder, "model.snm"));
        Assert.That(model.Definitions.Select(d => d.ToString()), Is.EqualTo(new[] { "conv 4 3x3 pad 1", "batchnorm", "relu", "maxpool 2", "flatten", "dense 10" }));
        Assert.That(model.Tensors.Select(t => t.Name), Does.Contain("bn0.running_mean").And.Contain("bn0.running_var"));
        Assert.That(File.Exists(Path.Combine(runFolder, PlotWriter.FiltersFile)), Is.True, "the first convolution's filters");
        Assert.That(File.Exists(Path.Combine(runFolder, "weights.png")), Is.False, "no dense layer sees the pixels");
    }

    [Test]
    public void EvaluatePredictExportAndInitFromWorkOnATrainedCnnAndEvaluateRepeatsItsFinalScore()
    {
        // 28 × 28 images, as predict makes them.
        string[] data = [.. SyntheticIdx.Write(_dir.Combine("idx28"), side: 28, trainRows: 160, testRows: 40).Where(a => !a.StartsWith("--Model:", StringComparison.Ordinal))];
        string[] common = [.. data, "--Checkpoints:Directory=" + _dir.Combine("ckpt"), "--Run:Directory=" + _dir.Combine("runs")];
        HostResult trained = HostProcess.Run(["train", .. Cnn, .. common, "--Training:Epochs=1", "--Training:BatchSize=16"], _dir.Path, TimeSpan.FromSeconds(120));
        Assert.That(trained.ExitCode, Is.EqualTo(0), trained.ToString());
        string model = Path.Combine(RunFolder(), "model.snm");
        string finalAccuracy = Regex.Match(trained.Output, @"Metrics on the validation split: accuracy=(\d\.\d{4})").Groups[1].Value;
        Assert.That(finalAccuracy, Is.Not.Empty, trained.ToString());

        HostResult evaluated = HostProcess.Run(["evaluate", "--model", model, .. common], _dir.Path);
        HostResult evaluatedAlone = HostProcess.Run(["evaluate", "--model", model], _dir.Path);
        HostResult onnx = HostProcess.Run(["export", "--model", model, "--format", "onnx", .. common], _dir.Path);
        HostResult safetensors = HostProcess.Run(["export", "--model", model, "--format", "safetensors", .. common], _dir.Path);
        HostResult fromSafetensors = HostProcess.Run(["evaluate", "--model", Path.ChangeExtension(model, ".safetensors"), .. common], _dir.Path);
        string digit = DigitImages.Save(DigitImages.Draw(40, 40, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 20, 20, 12), ".png");
        HostResult predicted = HostProcess.Run(["predict", "--model", model, digit, .. common], _dir.Path);
        HostResult resumed = HostProcess.Run(["train", .. Cnn, .. common, "--Training:Epochs=1", "--Model:InitFrom=" + Path.ChangeExtension(model, ".safetensors")], _dir.Path, TimeSpan.FromSeconds(120));
        HostResult fineTuned = HostProcess.Run(["train", .. common, "--Training:Epochs=1", "--Model:InitFrom=" + model], _dir.Path, TimeSpan.FromSeconds(120));
        HostResult diagnosed = HostProcess.Run(["diagnose", .. data, "--steps", "1", "--entries", "2", "--Model:InitFrom=" + model], _dir.Path, TimeSpan.FromSeconds(120));
        File.Delete(digit);

        foreach (HostResult result in new[] { evaluated, evaluatedAlone, onnx, safetensors, fromSafetensors, predicted, resumed, fineTuned, diagnosed })
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        }

        Assert.That(evaluated.Output, Does.Contain($"accuracy={finalAccuracy}"), "batch norm's running statistics came back with the weights");
        Assert.That(diagnosed.Output, Does.Contain($"Diagnostics of the weights in {model}:"), "not 'at initialisation'");
        Assert.That(fromSafetensors.Output, Does.Contain($"accuracy={finalAccuracy}"));
        Assert.That(evaluatedAlone.Output, Does.Contain($"accuracy={finalAccuracy}").And.Not.Contain("trained on Data:Dataset"), "without data settings, evaluate reads the data the model file records");
        Assert.That(fineTuned.Output, Does.Contain("layers conv 4 3x3 pad 1 → batchnorm"), "without Model:Layers, a run from a model file builds the file's network");
        Assert.That(diagnosed.Output, Does.Contain("Gradient check conv0.weight"), "diagnose, too, checks the network the file records");
        Assert.That(File.Exists(Path.ChangeExtension(model, ".onnx")), Is.True);
        Assert.That(predicted.Output, Does.Match(@": \d \(p=[01]\.\d{4}\)  0:[01]\.\d{4} 1:"));
    }

    private string RunFolder() => Directory.GetDirectories(_dir.Combine("runs")).OrderBy(d => d, StringComparer.Ordinal).First(d => !d.EndsWith("checkpoints", StringComparison.Ordinal));

    [Test]
    public void AMisspeltLayerIsExitCode2WithOneLineNamingItsKeyAndTheValidWords()
    {
        HostResult result = Run(["train", "--Model:Layers:0=conv 4 3x3", "--Model:Layers:1=maxpoo 2", "--Model:Layers:2=flatten", "--Model:Layers:3=dense 10"]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration), result.ToString());
        Assert.That(result.Output, Does.Contain("Model:Layers:1 (layer 2) 'maxpoo 2': 'maxpoo' is not a layer (did you mean maxpool?); valid: conv, maxpool"));
        Assert.That(result.Output, Does.Not.Contain("   at "), "no stack trace for a user error");
    }

    [Test]
    public void LayersThatDoNotFitTheImagesAreExitCode2NamingTheLayerAndTheShapes()
    {
        HostResult result = Run(["train", "--Model:Layers:0=conv 4 3x3", "--Model:Layers:1=maxpool 2", "--Model:Layers:2=dense 10"]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration), result.ToString());
        Assert.That(result.Output, Does.Contain("layer 3 (dense 10) gets 4 × 3 × 3 inputs: a dense layer takes flat vectors, and these are images of 36 values each: put flatten before it"));
        Assert.That(result.Output, Does.Not.Contain("   at "), "no stack trace for a user error");
    }

    [Test]
    public void DiagnoseChecksTheGradientsOfEveryCnnParameterAndCountsDeadChannels()
    {
        HostResult result = Run(["diagnose", .. Cnn, "--steps", "20"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        foreach (string parameter in new[] { "conv0.weight", "conv0.bias", "bn0.weight", "bn0.bias", "dense0.weight", "dense0.bias" })
        {
            Assert.That(result.Lines, Has.Some.Matches<string>(l => l.StartsWith(parameter, StringComparison.Ordinal) && l.Contains(" ok (", StringComparison.Ordinal)), parameter);
        }

        Assert.That(result.Lines, Has.Some.Matches<string>(l => l.StartsWith("relu0", StringComparison.Ordinal) && l.Contains("/4 (", StringComparison.Ordinal)), "dead units count the four channels");
    }
}
