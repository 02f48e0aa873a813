using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moq;
using ScratchNet.Core.Layers;
using ScratchNet.Host.Commands;
using ScratchNet.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ScratchNet.Host.Tests.Commands;

// What a script gets from predict: every image's reading in a form it can parse, whatever the file is called, and a
// folder's images.
public sealed class PredictOutputTests
{
    private TempDirectory _dir = null!;
    private StringWriter _printed = null!;
    private Mock<ILogger<PredictCommand>> _logger = null!;
    private string _model = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _printed = new StringWriter();
        _logger = new Mock<ILogger<PredictCommand>>();
        _logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        _model = _dir.Combine("model.snm");
        ModelFile.Save(SavedModel.FromNetwork(Sequential.Mlp([784, 16, 10], "relu", "he_normal", 9, 1), new Dictionary<string, string> { ["Data:Split"] = "official" }, null), _model, ModelFormat.Native);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private PredictCommand Predict => new(new ResultWriter(_printed), _logger.Object);

    private string Digit(string name, int cx = 40)
    {
        using Image<Rgba32> image = DigitImages.Draw(90, 90, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), cx, 30, 12);
        string path = _dir.Combine(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        image.SaveAsPng(path);
        return path;
    }

    private Task<int> Run(params string[] args) => Predict.RunAsync(CommandLine.Parse(["predict", "--model", _model, .. args]), CancellationToken.None);

    private string[] Lines => _printed.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    // The messages logged at a level, as their formatter renders them.
    private IEnumerable<string> Logged(LogLevel level) => _logger.Invocations
        .Where(i => i.Method.Name == nameof(ILogger.Log) && (LogLevel)i.Arguments[0] == level)
        .Select(i => i.Arguments[4] is Delegate f ? (string)f.DynamicInvoke(i.Arguments[2], i.Arguments[3])! : string.Empty);

    [Test]
    public async Task Json_GivesEveryImageOneObjectInItsPlace_WithEveryProbabilityAtFullPrecision()
    {
        string a = Digit("a.png"), b = Digit("b.png", cx: 55), missing = _dir.Combine("missing.png");
        float[][] rows = [.. new PredictCommand(new ResultWriter(new StringWriter()), _logger.Object).Predict(_model, [a, b])];

        int exit = await Run("--format", "json", a, missing, b);

        Assert.That(exit, Is.EqualTo(ExitCodes.InvalidInput), "one image failed");
        Assert.That(Lines, Has.Length.EqualTo(3), _printed.ToString());
        using JsonDocument first = JsonDocument.Parse(Lines[0]), failed = JsonDocument.Parse(Lines[1]), third = JsonDocument.Parse(Lines[2]);
        foreach ((JsonDocument doc, string file, float[] row) in new[] { (first, a, rows[0]), (third, b, rows[1]) })
        {
            JsonElement o = doc.RootElement;
            Assert.That(o.GetProperty("file").GetString(), Is.EqualTo(file));
            float[] probabilities = [.. o.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle())];
            Assert.That(probabilities, Is.EqualTo(row), "every probability as the model gave it, not rounded to 4 decimals");
            int best = Array.IndexOf(row, row.Max());
            Assert.That(o.GetProperty("class").GetInt32(), Is.EqualTo(best));
            Assert.That(o.GetProperty("name").GetString(), Is.EqualTo(best.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(o.GetProperty("probability").GetSingle(), Is.EqualTo(row[best]));
            Assert.That(o.TryGetProperty("warning", out _), Is.True);
        }

        Assert.That(failed.RootElement.GetProperty("file").GetString(), Is.EqualTo(missing));
        Assert.That(failed.RootElement.GetProperty("error").GetString(), Does.Contain("does not exist"));
        Assert.That(Logged(LogLevel.Error), Has.Some.Contains("does not exist"), "the failure is on stderr too, as in the text form");
    }

    [Test]
    public async Task Csv_GivesAHeaderAndEveryImageOneRowInItsPlace_QuotedAsRfc4180_AtFullPrecision()
    {
        string a = Digit("a, \"the first\".png"), missing = _dir.Combine("missing.png");
        float[] row = new PredictCommand(new ResultWriter(new StringWriter()), _logger.Object).Predict(_model, [a]).Single();

        int exit = await Run("--format", "csv", a, missing);

        Assert.That(exit, Is.EqualTo(ExitCodes.InvalidInput), "one image failed");
        Assert.That(Lines, Has.Length.EqualTo(3), _printed.ToString());
        string[] header = Fields(Lines[0]);
        Assert.That(header, Is.EqualTo(new[] { "file", "class", "name", "probability", "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "warning", "error" }));
        string[] reading = Fields(Lines[1]), failure = Fields(Lines[2]);
        Assert.That(reading, Has.Length.EqualTo(header.Length));
        Assert.That(reading[0], Is.EqualTo(a), "the comma and quotes of the name survive the quoting");
        Assert.That(reading[4..14].Select(p => float.Parse(p, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(row), "every probability as the model gave it");
        Assert.That(int.Parse(reading[1], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(Array.IndexOf(row, row.Max())));
        Assert.That(failure, Has.Length.EqualTo(header.Length));
        Assert.That(failure[0], Is.EqualTo(missing));
        Assert.That(failure[^1], Does.Contain("does not exist"));
        Assert.That(failure[1..^1], Is.All.Empty);
    }

    // RFC 4180's fields of one line: quoted fields may hold commas and doubled quotes.
    private static string[] Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return [.. fields];
    }

    [Test]
    public void AFormatPredictDoesNotWrite_IsAUsageErrorNamingTheFormats()
    {
        var e = Assert.ThrowsAsync<UsageException>(() => Run("--format", "xml", Digit("a.png")));

        Assert.That(e!.Message, Is.EqualTo("--format xml is no format predict writes; give --format text or --format json or --format csv"));
    }

    [Test]
    public void AFormatWithItsValueLeftOut_IsSaidToLackIt_NotThatNoImageWasGiven()
    {
        var e = Assert.ThrowsAsync<UsageException>(() => Run("--format", Digit("a.png")));

        Assert.That(e!.Message, Does.StartWith($"--format {Digit("a.png")} is no format predict writes (was its value left out"));
    }

    [TestCase("line1\nline2.png")]
    [TestCase("tab\there.png")]
    [TestCase("x: 7 (p=1.0000)  0:1.0000.png")]
    public async Task Text_NameThatWouldBreakOrSplitTheLine_IsQuotedAndEscaped_OneImageOneLine(string name)
    {
        string image = Digit(name);

        int exit = await Run(image);

        Assert.That(exit, Is.EqualTo(ExitCodes.Success));
        Assert.That(Lines, Has.Length.EqualTo(1), _printed.ToString());
        string quoted = JsonSerializer.Serialize(image, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.That(Lines[0], Does.StartWith(quoted + ": "), "the name in double quotes, escaped as a JSON string, which any JSON parser reads back");
    }

    [Test]
    public async Task Text_PlainName_IsPrintedAsItIs()
    {
        string image = Digit("dir with space/ünïcødé 数字 3.png");

        await Run(image);

        Assert.That(Lines.Single(), Does.StartWith(image + ": "));
    }

    [Test]
    public async Task Folder_IsReadAsItsImageFiles_InNameOrder_TheRestNotedOnce()
    {
        string folder = _dir.Combine("scans");
        Digit("scans/b.png");
        Digit("scans/a.PNG");
        Digit("scans/c.jpg.png");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        File.WriteAllText(Path.Combine(folder, ".hidden.png"), "an editor's file");
        Directory.CreateDirectory(Path.Combine(folder, "more"));
        Digit("scans/more/d.png");

        int exit = await Run(folder);

        Assert.That(exit, Is.EqualTo(ExitCodes.Success), string.Join("\n", Logged(LogLevel.Error)));
        Assert.That(Lines.Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]), Is.EqualTo(new[] { "a.PNG", "b.png", "c.jpg.png" }.Select(n => Path.Join(folder, n))));
        Assert.That(Logged(LogLevel.Warning).Where(m => m.Contains("left out", StringComparison.Ordinal)), Is.EqualTo(new[] { $"{folder}: left out more/, notes.txt: only a folder's image files (by their names: .png, .jpg, …) are read, not its subfolders" }));
    }

    [Test]
    public async Task FolderWithoutImages_IsOneLineAndExit6_TheOtherImagesStillRead()
    {
        string empty = _dir.Combine("empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "no images here");
        string image = Digit("seven.png");

        int exit = await Run(empty, image);

        Assert.That(exit, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(Lines, Has.Length.EqualTo(1).And.All.StartWith(image + ": "));
        Assert.That(Logged(LogLevel.Error).Single(), Is.EqualTo($"The folder {empty} holds no image files (names ending in .png, .jpg, .gif, .bmp, .tif, .tga or .pgm/.ppm/.pbm; subfolders are not searched); give the images themselves, e.g. {empty}/*.png"));
    }

    // A script's unset variable ("$f") gives an empty word: it was an ArgumentException, a stack trace and exit 1, and
    // the images named beside it got no reading.
    [TestCase("", "The image file name is empty: an empty argument names no file")]
    [TestCase("   ", "The image file name \"   \" is only blanks, and no file is called that")]
    [TestCase("\t", "The image file name \"\\t\" is only blanks, and no file is called that")]
    public async Task AnEmptyOrBlankImageArgument_IsThatImagesFailure_TheOthersStillRead(string argument, string reason)
    {
        string a = Digit("a.png"), b = Digit("b.png", cx: 55);

        int exit = await Run(a, argument, b);

        Assert.That(exit, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(Lines.Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]), Is.EqualTo(new[] { a, b }));
        Assert.That(Logged(LogLevel.Error).Single(), Does.StartWith(reason).And.EndWith($"; give {ScratchNet.Data.Imaging.MnistImagePreprocessor.Readable}."));
    }

    [Test]
    public async Task AnEmptyImageArgument_HasItsOwnRecord_InItsPlace()
    {
        string a = Digit("a.png");

        int exit = await Run("--format", "json", "", a);

        Assert.That(exit, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(Lines, Has.Length.EqualTo(2), _printed.ToString());
        using JsonDocument failed = JsonDocument.Parse(Lines[0]), read = JsonDocument.Parse(Lines[1]);
        Assert.That(failed.RootElement.GetProperty("file").GetString(), Is.Empty);
        Assert.That(failed.RootElement.GetProperty("error").GetString(), Does.Contain("name is empty"));
        Assert.That(read.RootElement.GetProperty("file").GetString(), Is.EqualTo(a));
    }

    [Test]
    public async Task Text_WithoutTop_IsTheLineItWasBeforeTop_EveryProbabilityByNumber()
    {
        string image = Digit("seven.png");
        float[] row = new PredictCommand(new ResultWriter(new StringWriter()), _logger.Object).Predict(_model, [image]).Single();
        int best = Array.IndexOf(row, row.Max());

        await Run(image);

        string all = string.Join(" ", row.Select((p, c) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c}:{p:F4}")));
        Assert.That(Lines.Single(), Is.EqualTo(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{image}: {best} (p={row[best]:F4})  {all}")));
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(10)]
    public async Task Text_Top_ListsTheKMostLikelyClasses_MostLikelyFirst(int k)
    {
        string image = Digit("seven.png");
        float[] row = new PredictCommand(new ResultWriter(new StringWriter()), _logger.Object).Predict(_model, [image]).Single();
        int[] ranked = [.. Enumerable.Range(0, 10).OrderByDescending(c => row[c]).ThenBy(c => c).Take(k)];

        int exit = await Run("--top", k.ToString(System.Globalization.CultureInfo.InvariantCulture), image);

        Assert.That(exit, Is.EqualTo(ExitCodes.Success));
        string expected = string.Join(", ", ranked.Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c} {row[c]:F4}")));
        Assert.That(Lines.Single(), Is.EqualTo(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{image}: {ranked[0]} (p={row[ranked[0]]:F4})  top {k}: {expected}")));
    }

    [Test]
    public void TopClasses_BreakTiesByClassNumber()
    {
        float[] row = [0.1f, 0.3f, 0.1f, 0.3f, 0.2f, 0f];

        Assert.That(TopClasses.Of(row, 6), Is.EqualTo(new[] { 1, 3, 4, 0, 2, 5 }));
        Assert.That(TopClasses.Of(row, 1).Single(), Is.EqualTo(ScratchNet.Core.Metrics.Accuracy.ArgMaxRow(row)), "the first is the class predict names");
    }

    [Test]
    public async Task Text_Top_NamesTheClassesOfADatasetThatNamesThem()
    {
        ModelFile.Save(SavedModel.FromNetwork(Sequential.Mlp([784, 16, 10], "relu", "he_normal", 9, 1), new Dictionary<string, string> { ["Data:Dataset"] = "fashion-mnist", ["Data:Split"] = "official" }, null), _model, ModelFormat.Native);
        string image = Digit("shirt.png");

        await Run("--top", "10", image);

        string line = Lines.Single();
        string[] listed = line[(line.IndexOf("top 10: ", StringComparison.Ordinal) + "top 10: ".Length)..].Split(", ");
        Assert.That(listed.Select(l => l[..l.LastIndexOf(' ')]), Is.EquivalentTo(ScratchNet.Data.Sources.FashionMnistFiles.ClassNames.Select((n, c) => $"{n} ({c})")), line);
    }

    [Test]
    public async Task Json_Top_GivesEachReadingATopArray_FailuresNone()
    {
        string image = Digit("seven.png"), missing = _dir.Combine("missing.png");
        float[] row = new PredictCommand(new ResultWriter(new StringWriter()), _logger.Object).Predict(_model, [image]).Single();
        int[] ranked = [.. Enumerable.Range(0, 10).OrderByDescending(c => row[c]).ThenBy(c => c).Take(3)];

        await Run("--format", "json", "--top", "3", image, missing);

        using JsonDocument reading = JsonDocument.Parse(Lines[0]), failed = JsonDocument.Parse(Lines[1]);
        JsonElement[] top = [.. reading.RootElement.GetProperty("top").EnumerateArray()];
        Assert.That(top.Select(t => t.GetProperty("class").GetInt32()), Is.EqualTo(ranked));
        Assert.That(top.Select(t => t.GetProperty("name").GetString()), Is.EqualTo(ranked.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(top.Select(t => t.GetProperty("probability").GetSingle()), Is.EqualTo(ranked.Select(c => row[c])), "at full precision");
        Assert.That(failed.RootElement.TryGetProperty("top", out _), Is.False);
    }

    [Test]
    public async Task Json_WithoutTop_HasNoTopArray()
    {
        await Run("--format", "json", Digit("seven.png"));

        using JsonDocument reading = JsonDocument.Parse(Lines.Single());
        Assert.That(reading.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "file", "class", "name", "probability", "probabilities", "warning" }));
    }

    [Test]
    public async Task Csv_Top_GivesKClassNameProbabilityTriples_BeforeWarningAndError()
    {
        string image = Digit("seven.png"), missing = _dir.Combine("missing.png");
        float[] row = new PredictCommand(new ResultWriter(new StringWriter()), _logger.Object).Predict(_model, [image]).Single();
        int[] ranked = [.. Enumerable.Range(0, 10).OrderByDescending(c => row[c]).ThenBy(c => c).Take(2)];

        await Run("--format", "csv", "--top", "2", image, missing);

        string[] header = Fields(Lines[0]), reading = Fields(Lines[1]), failure = Fields(Lines[2]);
        Assert.That(header[14..], Is.EqualTo(new[] { "top1_class", "top1_name", "top1_probability", "top2_class", "top2_name", "top2_probability", "warning", "error" }));
        Assert.That(reading, Has.Length.EqualTo(header.Length));
        Assert.That(reading[14..20], Is.EqualTo(ranked.SelectMany(c => new[] { $"{c}", $"{c}", row[c].ToString("R", System.Globalization.CultureInfo.InvariantCulture) })));
        Assert.That(failure, Has.Length.EqualTo(header.Length));
        Assert.That(failure[1..^1], Is.All.Empty);
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("abc")]
    [TestCase("1.5")]
    [TestCase("99999999999")]
    public void Top_NotAWholeNumberFromOne_IsAUsageErrorSayingWhatToGive(string k)
    {
        var e = Assert.ThrowsAsync<UsageException>(() => Run("--top", k, Digit("a.png")));

        Assert.That(e!.Message, Is.EqualTo($"--top {k} is no number of classes to list; give a whole number from 1 to the model's number of classes, e.g. --top 3"));
        Assert.That(_printed.ToString(), Is.Empty);
    }

    [Test]
    public void Top_MoreThanTheModelsClasses_IsAUsageErrorNamingItsCount_BeforeAnyReading()
    {
        var e = Assert.ThrowsAsync<UsageException>(() => Run("--top", "11", Digit("a.png")));

        Assert.That(e!.Message, Is.EqualTo($"--top 11 asks for more classes than the model {_model} has (10); give --top 1 to --top 10"));
        Assert.That(_printed.ToString(), Is.Empty);
    }

    [Test]
    public void Top_WithItsValueLeftOut_IsSaidToLackIt()
    {
        var atEnd = Assert.ThrowsAsync<UsageException>(() => Run(Digit("a.png"), "--top"));
        var beforeTheImage = Assert.ThrowsAsync<UsageException>(() => Run("--top", Digit("a.png")));

        Assert.That(atEnd!.Message, Is.EqualTo("--top needs a value: --top K"));
        Assert.That(beforeTheImage!.Message, Does.StartWith($"--top {Digit("a.png")} is no number of classes to list (was its value left out"));
    }

    [Test]
    public void Top_GivenTwice_IsAUsageError()
    {
        var e = Assert.ThrowsAsync<UsageException>(() => Run("--top", "2", "--top", "3", Digit("a.png")));

        Assert.That(e!.Message, Is.EqualTo("--top is given more than once; give it once"));
    }
}
