using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ScratchNet.Data.Sources;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>
/// Bad inputs through the real executable: each gives its documented exit code, one message, no stack trace at the
/// default log level, and leaves the cache and the files it was given as they were. None of them trains.
/// </summary>
public sealed partial class ProcessBadInputTests
{
    private TempDirectory _dir = null!;

    private string Cache => _dir.Combine("cache");

    private string DatasetFolder => Path.Combine(Cache, "mnist");

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private HostResult Run(params string[] args) =>
        HostProcess.Run([.. args, $"--Run:Directory={_dir.Combine("runs")}", $"--Data:CacheDirectory={Cache}"], _dir.Path);

    private static void AssertNoStackTrace(HostResult result)
    {
        Assert.That(result.Lines, Has.None.Match(@"^at \S+"), result.ToString());
        Assert.That(result.Output, Does.Not.Contain("Exception:"), result.ToString());
        Assert.That(result.Output, Does.Not.Contain("Unexpected error"), result.ToString());
    }

    private static void AssertOneLine(HostResult result, int exitCode, string contains)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.Lines, Has.Count.EqualTo(1), result.ToString());
        Assert.That(result.Lines[0], Does.Contain(contains), result.ToString());
        Assert.That(result.Stdout, Is.Empty, "an error goes to stderr: " + result);
        AssertNoStackTrace(result);
    }

    /// <summary>A loopback port nothing listens on: connections are refused at once.</summary>
    private static string DeadMirror()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}/";
    }

    // Each of these once started a full default training: the help and the version in any case, and
    // either given a value, must never fall through to the default run.
    [TestCase(0, "--Help")]
    [TestCase(0, "train", "--HELP")]
    [TestCase(0, "--Version")]
    [TestCase(2, "--help=1")]
    [TestCase(2, "--version=x")]
    public void HelpAndVersionInAnyFormNeverStartATraining(int exitCode, params string[] args)
    {
        HostResult result = Run(args);

        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.Output, Does.Not.Contain("Training on"), result.ToString());
        Assert.That(Directory.Exists(_dir.Combine("runs")), Is.False, "no run folder");
    }

    [Test]
    public void MalformedJsonInAConfigFileIsExit2NamingTheFileAndLineAndTheFileIsUntouched()
    {
        string config = _dir.Combine("recipe.json");
        byte[] content = "{\n  \"Training\": {\n    \"Epochs\": 3,,\n  }\n}\n"u8.ToArray();
        File.WriteAllBytes(config, content);

        HostResult result = Run("train", "--config", config);

        AssertOneLine(result, 2, config);
        Assert.That(result.Lines[0], Does.Contain("line 3"));
        Assert.That(File.ReadAllBytes(config), Is.EqualTo(content));
        Assert.That(Directory.Exists(Cache), Is.False, "nothing was fetched");
    }

    [Test]
    public void AConfigFileThatDoesNotExistIsExit2()
    {
        AssertOneLine(Run("--config", _dir.Combine("missing.json")), 2, "missing.json");
    }

    [Test]
    public void BadValuesAreExit2OnOneLineTogetherAndNothingIsFetched()
    {
        HostResult result = Run("--Optimizer:LearningRate=0", "--Training:BatchSize=0", "--Training:Epochs=0", "--Model:LayerSizes=784,x", "--Optimizer:Name=adam9", "--Data:Dataset=cifar");

        AssertOneLine(result, 2, "Configuration is invalid");
        Assert.That(result.Lines[0], Does.Contain("Optimizer:LearningRate").And.Contain("Training:BatchSize").And.Contain("Training:Epochs")
            .And.Contain("Model:LayerSizes").And.Contain("valid: sgd").And.Contain("one of mnist"));
        Assert.That(Directory.Exists(Cache), Is.False);
    }

    [Test]
    public void AValueOfTheWrongTypeIsExit2()
    {
        AssertOneLine(Run("--Training:Epochs=many"), 2, "'many'");
    }

    [Test]
    public void AnUnknownCommandIsExit2ListingTheValidOnes()
    {
        AssertOneLine(Run("frobnicate"), 2, "valid commands: train");
    }

    [Test]
    public void AnUnknownOptionIsExit2ListingTheValidOnes()
    {
        AssertOneLine(Run("train", "--epochs", "5"), 2, "valid options: --resume, --dashboard, --config, --recipe, --help, --version");
    }

    [TestCase("export --model m.snm --out a.onnx --out b.onnx", "Invalid command line: --out is given more than once; give it once")]
    [TestCase("diagnose --batch -1", "Invalid command line: --batch must be a whole number from 1 to 1048576, got '-1'")]
    public void ARepeatedOptionOrANegativeOptionValueIsExit2NamingTheOption(string arguments, string message)
    {
        AssertOneLine(Run(arguments.Split(' ')), 2, message);
        Assert.That(Directory.Exists(Cache), Is.False, "nothing was fetched");
    }

    // Refusals a command makes once it runs, of its own options: as bare as the parser's (docs/reliability.md), where
    // they had the time in front.
    [TestCase("evaluate", "'evaluate' needs --model FILE")]
    [TestCase("predict --model m.snm", "'predict' needs at least one image file")]
    [TestCase("export --model m.snm --out w.pt", "--out w.pt does not end in a model file's extension")]
    [TestCase("diagnose --batch 0", "--batch must be a whole number from 1 to 1048576, got '0'")]
    [TestCase("predict --model m.snm --top 0 x.png", "--top 0 is no number of classes to list; give a whole number from 1")]
    [TestCase("predict --model m.snm --top abc x.png", "--top abc is no number of classes to list; give a whole number from 1")]
    [TestCase("predict --model m.snm x.png --top", "--top needs a value: --top K")]
    [TestCase("predict --model m.snm --top 2 --top 3 x.png", "--top is given more than once; give it once")]
    public void ACommandsRefusalOfItsOptionsIsABareLineAsTheParsersAre(string arguments, string message)
    {
        HostResult result = Run(arguments.Split(' '));

        AssertOneLine(result, 2, message);
        Assert.That(result.Lines[0], Does.StartWith($"Invalid command line: {message}"), "no time in front: " + result);
    }

    // Known only once the model is read, and still a bare line: nothing was classified.
    [Test]
    public void PredictTopBeyondTheModelsClassesIsABareLineNamingItsCount()
    {
        string model = _dir.Combine("m.snm");
        ScratchNet.Models.ModelFile.Save(ScratchNet.Models.SavedModel.FromNetwork(ScratchNet.Core.Layers.Sequential.Mlp([784, 8, 10], "relu", "he_normal", 9, 1), new Dictionary<string, string>(), null), model, ScratchNet.Models.ModelFormat.Native);

        HostResult result = Run("predict", "--model", model, "--top", "11", "x.png");

        AssertOneLine(result, 2, $"Invalid command line: --top 11 asks for more classes than the model {model} has (10); give --top 1 to --top 10");
    }

    [Test]
    public void ALayerEntryGivingAnOptionTwiceIsExit2NamingTheEntryAndTheOption()
    {
        HostResult result = Run("train", "--Model:Layers:0=conv 4 3x3 stride 2 stride 3", "--Model:Layers:1=flatten", "--Model:Layers:2=dense 10");

        AssertOneLine(result, 2, "Model:Layers:0 (layer 1) 'conv 4 3x3 stride 2 stride 3': stride is given twice");
        Assert.That(Directory.Exists(Cache), Is.False, "nothing was fetched");
    }

    [Test]
    public void ResumeWithAnEmptyRunDirectoryIsTheOneLineConfigurationError()
    {
        HostResult result = HostProcess.Run(["train", "--resume", "--Run:Directory=", $"--Data:CacheDirectory={Cache}"], _dir.Path);

        AssertOneLine(result, 2, "Configuration is invalid: Run:Directory must name a folder (default runs), got an empty value");
    }

    [Test]
    public void AConfigurationKeyWithoutAValueIsExit2()
    {
        AssertOneLine(Run("--Training:Epochs"), 2, "--Training:Epochs needs a value");
    }

    [Test]
    public void HelpIsExit0AndListsTheCommandsAndEveryShippedRecipe()
    {
        HostResult result = Run("--help");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("Commands:").And.Contain("train"));
        Assert.That(result.Stdout, Does.Contain("(cnn, cnn-augmented, fast, mlp-augmented, reference)"));
    }

    [Test]
    public void HelpForAnUnknownCommandIsExit2ListingTheValidOnes()
    {
        AssertOneLine(Run("help", "frobnicate"), 2, "unknown command 'frobnicate'; valid commands: train");
    }

    [Test]
    public void VersionIsExit0AndNamesThePackageVersionWithoutTraining()
    {
        HostResult result = Run("--version");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout.Trim(), Does.Match(@"^ScratchNet \d+\.\d+\.\d+"));
        Assert.That(result.Stdout, Does.Not.Contain("Training"));
    }

    [Test]
    public void WithNoSourcesAtAllTheMessageSaysSoAndHowToPlaceTheFilesByHand()
    {
        HostResult result = Run("--Data:UseNpm=false", "--Data:Mirrors:0=");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(ErrorStarts(result, "Could not obtain"), Is.EqualTo(1), result.ToString());
        Assert.That(result.Output, Does.Contain("No sources are configured").And.Contain("To place the files by hand").And.Contain(DatasetFolder));
        AssertNoStackTrace(result);
    }

    [Test]
    public void ACorruptCachedFileIsSetAsideIntactAndAnUnreachableMirrorIsExit3NamingIt()
    {
        Directory.CreateDirectory(DatasetFolder);
        string cached = Path.Combine(DatasetFolder, MnistFiles.TrainImages.Name);
        byte[] corrupt = IdxFiles.Images(count: 3, rows: 28, cols: 28, seed: 9);
        corrupt[0] = 0x42;
        File.WriteAllBytes(cached, corrupt);
        string mirror = DeadMirror();

        HostResult result = Run("--Data:UseNpm=false", $"--Data:Mirrors:0={mirror}");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(ErrorStarts(result, "Could not obtain"), Is.EqualTo(1), result.ToString());
        Assert.That(result.Output, Does.Contain($"{mirror}: cannot reach 127.0.0.1").And.Contain("To place the files by hand"));
        AssertNoStackTrace(result);
        Assert.That(File.Exists(cached), Is.False, "an unverified file never stays under the name the loader reads");
        Assert.That(File.ReadAllBytes(cached + ".rejected-cache"), Is.EqualTo(corrupt), "set aside byte for byte, for inspection");
        Assert.That(Directory.GetFiles(DatasetFolder, "*.tmp"), Is.Empty);
    }

    [Test]
    public void AMirrorServingAWrongFileIsSetAsideAndTheNextSourceIsTried()
    {
        using var server = new LoopbackHttpServer();
        byte[] wrong = IdxFiles.Images(count: 2, rows: 28, cols: 28, seed: 3);
        server.Serve($"/{MnistFiles.TrainImages.Name}.gz", IdxFiles.Gzip(wrong));
        string dead = DeadMirror();

        HostResult result = Run("--Data:UseNpm=false", $"--Data:Mirrors:0={server.BaseUrl}", $"--Data:Mirrors:1={dead}");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(result.Output, Does.Contain("its copy has SHA-256").And.Contain($"{dead}: cannot reach"), "both sources were tried, in order");
        AssertNoStackTrace(result);
        string[] rejected = Directory.GetFiles(DatasetFolder, $"{MnistFiles.TrainImages.Name}.rejected-*");
        Assert.That(rejected, Has.Length.EqualTo(1));
        Assert.That(File.ReadAllBytes(rejected[0]), Is.EqualTo(wrong));
        Assert.That(File.Exists(Path.Combine(DatasetFolder, MnistFiles.TrainImages.Name)), Is.False);
    }

    [Test]
    public void FilesAlreadyVerifiedInTheCacheAreLeftByteIdentical_WhenALaterOneCannotBeHad()
    {
        // Stand-in for a partly filled cache: a file that is not in the manifest must survive any failure untouched,
        // and so must the folder's other contents.
        Directory.CreateDirectory(DatasetFolder);
        string keep = Path.Combine(DatasetFolder, "notes.txt");
        File.WriteAllText(keep, "hand-written notes");

        HostResult result = Run("--Data:UseNpm=false", $"--Data:Mirrors:0={DeadMirror()}");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.ToString());
        Assert.That(File.ReadAllText(keep), Is.EqualTo("hand-written notes"));
        Assert.That(Directory.GetFiles(DatasetFolder).Select(Path.GetFileName), Is.EqualTo(new[] { "notes.txt" }));
    }

    /// <summary>How many console lines open with the error text (after the console's timestamp, if any).</summary>
    private static int ErrorStarts(HostResult result, string text) =>
        result.Lines.Count(l => TimestampPrefix().Replace(l, string.Empty).StartsWith(text, StringComparison.Ordinal));

    [GeneratedRegex(@"^\d{2}:\d{2}:\d{2} ")]
    private static partial Regex TimestampPrefix();
}
