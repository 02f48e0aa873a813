using ScratchNet.Data.Tests.Support;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Training.Reports;

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
    public void Train_runs_a_cnn_prints_its_summary_and_skips_the_model_file_with_one_warning()
    {
        HostResult result = Run(["train", .. Cnn, "--Training:Epochs=2", "--Training:BatchSize=16"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("Network of 7 layers on 1 × 8 × 8 inputs, 698 trainable and 8 non-trainable parameters"));
        Assert.That(result.Lines, Has.Some.Matches<string>(l => l.StartsWith("1  conv0     conv 4 3x3 pad 1  4 × 8 × 8", StringComparison.Ordinal)));
        Assert.That(result.Lines, Has.Some.Matches<string>(l => l.StartsWith("7  dense0    dense 10", StringComparison.Ordinal)));
        Assert.That(result.Lines.Count(l => l.Contains("Did not write model.snm", StringComparison.Ordinal)), Is.EqualTo(1), result.ToString());
        string runFolder = Directory.GetDirectories(_dir.Combine("runs")).Single(d => !d.EndsWith("checkpoints", StringComparison.Ordinal));
        Assert.That(File.ReadAllLines(Path.Combine(runFolder, HistoryWriter.CsvFile)), Has.Length.EqualTo(3), "a header and two epochs");
        Assert.That(File.Exists(Path.Combine(runFolder, "model.snm")), Is.False);
        Assert.That(Directory.GetFiles(_dir.Combine("ckpt"), "*.ckpt", SearchOption.AllDirectories), Is.Not.Empty, "the checkpoints keep the weights (in the run's subfolder of a Checkpoints:Directory outside the run folder)");
    }

    [Test]
    public void A_misspelt_layer_is_exit_code_2_with_one_line_naming_its_key_and_the_valid_words()
    {
        HostResult result = Run(["train", "--Model:Layers:0=conv 4 3x3", "--Model:Layers:1=maxpoo 2", "--Model:Layers:2=flatten", "--Model:Layers:3=dense 10"]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration), result.ToString());
        Assert.That(result.Output, Does.Contain("Model:Layers:1 (layer 2) 'maxpoo 2': 'maxpoo' is not a layer (did you mean maxpool?); valid: conv, maxpool"));
        Assert.That(result.Output, Does.Not.Contain("   at "), "no stack trace for a user error");
    }

    [Test]
    public void Layers_that_do_not_fit_the_images_are_exit_code_2_naming_the_layer_and_the_shapes()
    {
        HostResult result = Run(["train", "--Model:Layers:0=conv 4 3x3", "--Model:Layers:1=maxpool 2", "--Model:Layers:2=dense 10"]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration), result.ToString());
        Assert.That(result.Output, Does.Contain("layer 3 (dense 10) gets 4 × 3 × 3 images (36 values each), but a dense layer takes flat vectors: put flatten before it"));
        Assert.That(result.Output, Does.Not.Contain("   at "), "no stack trace for a user error");
    }

    [Test]
    public void Diagnose_checks_the_gradients_of_every_cnn_parameter_and_counts_dead_channels()
    {
        HostResult result = Run(["diagnose", .. Cnn, "--steps", "20"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        foreach (string parameter in new[] { "conv0.weight", "conv0.bias", "bn0.weight", "bn0.bias", "dense0.weight", "dense0.bias" })
        {
            Assert.That(result.Lines, Has.Some.Matches<string>(l => l.StartsWith(parameter, StringComparison.Ordinal) && l.Contains("ok (rel", StringComparison.Ordinal)), parameter);
        }

        Assert.That(result.Lines, Has.Some.Matches<string>(l => l.StartsWith("relu0", StringComparison.Ordinal) && l.Contains("/4 (", StringComparison.Ordinal)), "dead units count the four channels");
    }
}
