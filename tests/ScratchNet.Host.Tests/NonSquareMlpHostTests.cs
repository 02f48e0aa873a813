using System.Text.RegularExpressions;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Models;
using ScratchNet.Models.Safetensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ScratchNet.Host.Tests;

/// <summary>
/// An MLP of Model:LayerSizes on images that are no square (12 rows of 20 pixels), through the real host: its file records
/// the images' shape, so predict makes pictures into its rows as the CNN path does, and evaluate refuses images of another shape.
/// </summary>
[Category("Integration")]
public sealed class NonSquareMlpHostTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    // The four IDX files of rows × cols images; the data arguments that read them.
    private string[] Idx(string name, int rows, int cols)
    {
        string folder = _dir.Combine(name);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), IdxFiles.Images(120, rows, cols, seed: 11));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), IdxFiles.Labels(120, seed: 12));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), IdxFiles.Images(30, rows, cols, seed: 13));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), IdxFiles.Labels(30, seed: 14));
        return ["--Data:Dataset=idx", $"--Data:Directory={folder}", "--Data:Split=official", "--Checkpoints:Directory=" + _dir.Combine("ckpt"), "--Run:Directory=" + _dir.Combine("runs")];
    }

    private string Picture(int width, int height)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(0, 0, 0));
        for (int x = 3; x < width - 3; x++)
        {
            image[x, height / 2] = new Rgba32(255, 255, 255);
        }

        string path = _dir.Combine($"bar-{width}x{height}.png");
        image.SaveAsPng(path);
        return path;
    }

    [Test]
    public void TrainPredictEvaluateAndExport_OfAShorthandMlpOn12By20Images_KnowTheImagesShape()
    {
        string[] data = Idx("idx12x20", rows: 12, cols: 20);
        HostResult trained = HostProcess.Run(["train", .. data, "--Model:LayerSizes=240,16,10", "--Training:Epochs=1", "--Training:BatchSize=16"], _dir.Path, TimeSpan.FromSeconds(120));
        Assert.That(trained.ExitCode, Is.EqualTo(0), trained.ToString());
        string model = Path.Combine(Directory.GetDirectories(_dir.Combine("runs")).Single(d => !d.EndsWith("checkpoints", StringComparison.Ordinal)), "model.snm");

        HostResult asIs = HostProcess.Run(["predict", "--model", model, "--as-is", Picture(20, 12)], _dir.Path);
        HostResult prepared = HostProcess.Run(["predict", "--model", model, Picture(60, 40)], _dir.Path);
        HostResult turned = HostProcess.Run(["predict", "--model", model, "--as-is", Picture(12, 20)], _dir.Path);
        HostResult evaluated = HostProcess.Run(["evaluate", "--model", model, .. data], _dir.Path);
        HostResult transposed = HostProcess.Run(["evaluate", "--model", model, .. Idx("idx20x12", rows: 20, cols: 12)], _dir.Path);
        HostResult exported = HostProcess.Run(["export", "--model", model, "--format", "safetensors"], _dir.Path);

        Assert.That(ModelFile.Load(model).ImageShape, Is.EqualTo(new RowShape(1, 12, 20)));
        Assert.That(asIs.ExitCode, Is.EqualTo(0), asIs.ToString());
        Assert.That(asIs.Output, Does.Match(@"bar-20x12\.png: \d \(p=[01]\.\d{4}\)  0:[01]\.\d{4} 1:"));
        Assert.That(prepared.ExitCode, Is.EqualTo(0), prepared.ToString());
        Assert.That(turned.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), turned.ToString());
        Assert.That(turned.Output, Does.Contain("is 12×20 pixels, but --as-is takes images at the model's own size, 20×12"));
        Assert.That(evaluated.ExitCode, Is.EqualTo(0), evaluated.ToString());
        Assert.That(transposed.ExitCode, Is.EqualTo(ExitCodes.InvalidModel), transposed.ToString());
        Assert.That(transposed.Output, Does.Contain("takes 1 × 12 × 20 images, but the idx data has 1 × 20 × 12 inputs"));
        Assert.That(exported.ExitCode, Is.EqualTo(0), exported.ToString());
        var (_, metadata) = SafetensorsFormat.Read(File.ReadAllBytes(Path.ChangeExtension(model, ".safetensors")), "m.safetensors");
        Assert.That(metadata[SafetensorsModel.ImageShapeKey], Is.EqualTo("1,12,20"));
        Assert.That(Regex.Matches(turned.Output, "   at ").Count, Is.Zero, "no stack trace for a user error");
    }
}
