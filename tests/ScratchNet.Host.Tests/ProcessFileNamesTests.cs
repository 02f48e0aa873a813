using System.Text.Encodings.Web;
using System.Text.Json;
using ScratchNet.Core.Layers;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Models;

namespace ScratchNet.Host.Tests;

/// <summary>
/// A file name with a line break or an escape sequence, on an error or warning line through the real executable: quoted
/// as predict's readings quote it, so one error is one line and the terminal keeps its colours; an ordinary name (spaces,
/// é, 数字) is shown as it is.
/// </summary>
public sealed class ProcessFileNamesTests
{
    private const string Escape = "\u001B";

    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private HostResult Run(params string[] args) =>
        HostProcess.Run([.. args, $"--Run:Directory={_dir.Combine("runs")}", $"--Data:CacheDirectory={_dir.Combine("cache")}"], _dir.Path);

    // As predict's text form shows such a name: a JSON string, its quotes, backslashes and control characters escaped.
    private static string Quoted(string name) => JsonSerializer.Serialize(name, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static void AssertNothingATerminalActsOn(HostResult result)
    {
        Assert.That(result.Output, Does.Not.Contain(Escape), result.ToString());
        Assert.That(result.Output.Replace("\r\n", "\n", StringComparison.Ordinal).Where(c => char.IsControl(c) && c != '\n'), Is.Empty, result.ToString());
    }

    private string Model()
    {
        string model = _dir.Combine("model.snm");
        ModelFile.Save(SavedModel.FromNetwork(Sequential.Mlp([784, 16, 10], "relu", "he_normal", 9, 1), new Dictionary<string, string> { ["Data:Split"] = "official" }, null), model, ModelFormat.Native);
        return model;
    }

    [Test]
    public void Predict_EachBadImageIsOneLine_ItsNameQuotedWhereATerminalWouldActOnIt()
    {
        string model = Model();
        string broken = _dir.Combine("a\nb.png"), coloured = _dir.Combine($"{Escape}[31mred.png"), plain = _dir.Combine("dir with space/é 数字.png");
        File.WriteAllText(broken, "not an image");
        File.WriteAllText(coloured, "not an image");

        HostResult result = Run("predict", "--model", model, broken, coloured, plain);

        Assert.That(result.ExitCode, Is.EqualTo(6), result.ToString());
        Assert.That(result.Lines, Has.Count.EqualTo(3), "one line per image: " + result);
        Assert.That(result.Lines, Has.One.Contains($" {Quoted(broken)} is not a readable image"), result.ToString());
        Assert.That(result.Lines, Has.One.Contains($" {Quoted(coloured)} is not a readable image"), result.ToString());
        Assert.That(result.Lines, Has.One.Contains($" {plain} does not exist"), "an ordinary name as it is: " + result);
        AssertNothingATerminalActsOn(result);
    }

    [Test]
    public void Predict_AFoldersLeftOutNames_AreQuotedOnTheWarningLine()
    {
        string folder = _dir.Combine("scans");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{Escape}[1mnotes.txt"), "not an image");
        File.WriteAllText(Path.Combine(folder, "digit.png"), "an image by its name only");

        HostResult result = Run("predict", "--model", Model(), folder);

        Assert.That(result.Lines, Has.Some.Contains($"left out {Quoted($"{Escape}[1mnotes.txt")}"), result.ToString());
        AssertNothingATerminalActsOn(result);
    }

    [Test]
    public void Evaluate_AMissingModelWithALineBreakInItsName_IsOneLine()
    {
        string model = _dir.Combine("m\nx.snm");

        HostResult result = Run("evaluate", "--model", model);

        HostAssert.OneLine(result, 5, $"The model file {Quoted(model)} does not exist");
        AssertNothingATerminalActsOn(result);
    }

    [Test]
    public void Export_AnOutFolderWithAnEscapeSequence_IsQuotedOnTheUsageLine()
    {
        string output = _dir.Combine($"o{Escape}[31m/x.onnx");

        HostResult result = Run("export", "--model", Model(), "--out", output);

        HostAssert.OneLine(result, 2, $"--out {Quoted(output)}");
        AssertNothingATerminalActsOn(result);
    }

    [Test]
    public void Train_ADataDirectoryWithALineBreak_IsOneLine()
    {
        HostResult result = Run("train", "--Data:Dataset=idx", $"--Data:Directory={_dir.Combine("idx\nset")}");

        HostAssert.OneLine(result, 2, "Data:Directory");
        AssertNothingATerminalActsOn(result);
    }

    // Retest X8 and its class: a checkpoint's, a run folder's, Model:InitFrom's or the cache folder's name with a line break
    // split its error in two ("Checkpoint unusable: the checkpoint /x/x" and "y.ckpt does not exist; …"), as each was
    // written out where its message was built; Model:InitFrom's was in single quotes that escaped nothing.
    private static readonly object[][] NamedFolderFaults =
    [
        ["a missing checkpoint", 2, "Checkpoint unusable: the checkpoint {0} does not exist"],
        ["a junk checkpoint", 4, "Checkpoint unusable: {0} is not a ScratchNet checkpoint"],
        ["a missing Model:InitFrom", 2, "Model:InitFrom {0} does not exist"],
        ["a run folder below a file", 2, "Cannot start the run: Run:Directory {0} cannot be written"],
        ["a run to resume below a file", 2, "Checkpoint unusable: the checkpoint {0} does not exist"],
    ];

    [TestCaseSource(nameof(NamedFolderFaults))]
    public void AFileOrFolderNameWithALineBreak_IsQuotedOnItsOneErrorLine(string fault, int exitCode, string line)
    {
        string odd = _dir.Combine("o\nne");
        (string shown, string[] args) = fault switch
        {
            "a missing checkpoint" => (odd, new[] { "train", "--resume", odd }),
            "a junk checkpoint" => (Write(odd, "not a checkpoint"), ["train", "--resume", odd]),
            "a missing Model:InitFrom" => (odd, ["train", $"--Model:InitFrom={odd}"]),
            "a run folder below a file" => (Path.Combine(Write(odd, "a file"), "runs"), ["train", $"--Run:Directory={Path.Combine(odd, "runs")}"]),
            "a run to resume below a file" => (Path.Combine(Write(odd, "a file"), "r.ckpt"), ["train", "--resume", Path.Combine(odd, "r.ckpt")]),
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "no such fault"),
        };

        // The run folder's own option last, so it overrides the one Run adds.
        HostResult result = HostProcess.Run([.. args, $"--Data:CacheDirectory={_dir.Combine("cache")}", .. args.Any(a => a.StartsWith("--Run:", StringComparison.Ordinal)) ? Array.Empty<string>() : [$"--Run:Directory={_dir.Combine("runs")}"]], _dir.Path);

        HostAssert.OneLine(result, exitCode, string.Format(System.Globalization.CultureInfo.InvariantCulture, line, Quoted(shown)));
        AssertNothingATerminalActsOn(result);
    }

    // The cache folder's refusal comes after the run's first lines: each line of its output is still one line.
    [Test]
    public void ACacheFolderNameWithALineBreak_IsQuotedOnItsErrorLine()
    {
        string file = Write(_dir.Combine("o\nne"), "a file");

        HostResult result = HostProcess.Run(["train", $"--Data:CacheDirectory={Path.Combine(file, "cache")}", $"--Run:Directory={_dir.Combine("runs")}"], _dir.Path);

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Lines, Has.One.Contains($"cache folder {Quoted(Path.Combine(file, "cache", "mnist"))}"), result.ToString());
        Assert.That(result.Lines, Has.None.StartsWith("ne"), "no line is the rest of a name: " + result);
        AssertNothingATerminalActsOn(result);
    }

    private static string Write(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public async Task Serve_ARunsFolderThatIsAFile_IsQuotedOnTheWarningLine()
    {
        string runs = _dir.Combine($"runs{Escape}[1m");
        File.WriteAllText(runs, "a file");
        using var process = System.Diagnostics.Process.Start(HostProcess.StartInfo(["serve", "--runs", runs, "--Dashboard:Port=0"], _dir.Path))!;
        var seen = new List<string>();
        try
        {
            // serve runs until stopped: its lines are read until the warning, with a bound in case it never comes.
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardError.ReadLineAsync(bound.Token) is { } line)
            {
                seen.Add(line);
                if (line.Contains("is a file", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.That(seen, Has.One.Contains($"The runs folder {Quoted(Path.GetFullPath(runs))} is a file"), string.Join("\n", seen));
        Assert.That(string.Concat(seen), Does.Not.Contain(Escape));
    }
}
