using System.Diagnostics;
using ScratchNet.Core.Layers;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ScratchNet.Host.Tests;

/// <summary>
/// Typos, sizes and files a hostile or careless user gives the built executable: each stops before any work with its
/// exit code and one line (naming the key and, for a typo, the closest valid one), leaves no run folder and no cache
/// behind, and leaves every file it was given byte-identical.
/// </summary>
public sealed class ProcessHostileInputTests
{
    private TempDirectory _dir = null!;
    private string[] _data = null!;

    private string Runs => _dir.Combine("runs");

    private string Cache => _dir.Combine("cache");

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _data = SyntheticIdx.Write(_dir.Combine("idx"), trainRows: 200, testRows: 50);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private HostResult Run(params string[] args) =>
        HostProcess.Run([.. args, $"--Run:Directory={Runs}", $"--Data:CacheDirectory={Cache}"], _dir.Path);

    private void AssertNothingLeftBehind()
    {
        Assert.That(Directory.Exists(Runs), Is.False, "no run folder");
        Assert.That(Directory.Exists(Cache), Is.False, "nothing fetched");
        Assert.That(Directory.Exists(_dir.Combine("runs")) || Directory.Exists(Path.Combine(_dir.Path, "runs")), Is.False);
    }

    [TestCase("--Training:Epoch=5", "unknown key Training:Epoch (from command line (--Training:Epoch)) — did you mean Training:Epochs?")]
    [TestCase("--Trainng:Epochs=5", "unknown key Trainng:Epochs", "did you mean Training:Epochs?")]
    [TestCase("--training:epocks=5", "did you mean Training:Epochs?")]
    [TestCase("--Model:LayerSizes:0=785", "Model:LayerSizes takes one value, not a list or object")]
    [TestCase("--Optimizer:LearningRat=0.1", "did you mean Optimizer:LearningRate?")]
    [TestCase("--Checkpoints:Directory:x=a", "Checkpoints:Directory takes one value")]
    [TestCase("--Data:Mirrors=http://127.0.0.1:9/", "Data:Mirrors is a list")]
    [TestCase("--Data:Mirrors:first=http://127.0.0.1:9/", "Data:Mirrors is a list, so Data:Mirrors:first")]
    [TestCase("--Data:Mirrors:1=http://127.0.0.1:9/", "Data:Mirrors:1 (from command line (--Data:Mirrors:1)) leaves a gap: Data:Mirrors has no item 0", "(the next one is Data:Mirrors:0)")]
    [TestCase("--Model:Layers:00=flatten", "Model:Layers:00 (from command line (--Model:Layers:00)) numbers an item 00; write Model:Layers:0")]
    [TestCase("--Dashbord:Port=1", "unknown key Dashbord:Port")]
    [TestCase("--Serilog:MinimumLevel:Default=Loud", "Serilog:MinimumLevel:Default 'Loud'", "is not a log level; valid: Verbose, Debug, Information, Warning, Error, Fatal")]
    [TestCase("--Serilog:MinimumLevel=99", "Serilog:MinimumLevel '99'", "is not a log level")]
    [TestCase("--Serilog:WriteTo:0:Name=Consol", "Serilog:WriteTo:0:Name 'Consol'", "is not a Serilog WriteTo method; valid:", "Console")]
    [TestCase("--Serilog:WriteTo:5:Args:outputTemplate=x", "Serilog:WriteTo:5 has Args but no Name")]
    [TestCase("--Serilog:WriteTo:0:Args:outputTemplat=x", "Console has no argument 'outputTemplat' — did you mean Serilog:WriteTo:0:Args:outputTemplate?")]
    [TestCase("--Serilog:WriteTo:0:Args:restrictedToMinimumLevel=Loud", "Serilog cannot use its configuration")]
    [TestCase("--Serilog:Using:0=Serilog.Sinks.Nowhere", "Serilog:Using:0 'Serilog.Sinks.Nowhere'", "is not an assembly")]
    [TestCase("--Serilog:Levels=Debug", "unknown key Serilog:Levels")]
    [TestCase("--Recipe:Name=fast", "Recipe takes one value")]
    [TestCase("--Training:BatchSize=2000000000", "Training:BatchSize must be 1 to 1048576 rows, got 2000000000")]
    [TestCase("--Training:EvaluationBatchSize=2000000000", "Training:EvaluationBatchSize must be 1 to 1048576 rows")]
    [TestCase("--Training:BatchSize=99999999999", "Training:BatchSize must be 1 to 1048576 rows, got 99999999999")]
    [TestCase("--Model:LayerSizes=784,2000000000,10", "Model:LayerSizes '784,2000000000,10' has a layer of 2000000000 units; no layer may have more than 1048576, and the whole network at most 264,241,152 weights and biases")]
    [TestCase("--Model:LayerSizes=64,1048576,1048576,10", "more than 264,241,152, the most a ScratchNet model file holds", "make the layers narrower")]
    [TestCase("--Training:Threads=100000", "Training:Threads must be 'auto' (one per core) or a whole number from 1 to", "got 100000 (from command line (--Training:Threads))")]
    [TestCase("--Optimizer:LearningRate=0,01", "Optimizer:LearningRate must be a number written with '.' (e.g. 0.01), got '0,01' (from command line (--Optimizer:LearningRate))")]
    [TestCase("--Training:Epochs=1,000", "Training:Epochs must be a whole number written with the digits 0-9 and no separators (e.g. 1000), got '1,000' (from command line (--Training:Epochs))")]
    [TestCase("--Training:Epochs=１", "Training:Epochs must be a whole number", "got '１'")]
    [TestCase("--Optimizer:LearningRate=Infinity", "Optimizer:LearningRate must be a finite positive number, got Infinity (from command line (--Optimizer:LearningRate))")]
    [TestCase("--Optimizer:LearningRate=1e999", "Optimizer:LearningRate must be a finite positive number, got 1e999 (from command line (--Optimizer:LearningRate))")]
    [TestCase("--Training:Epochs=+5", "Training:Epochs must be a whole number written with the digits 0-9 and no separators (e.g. 1000), got '+5'")]
    [TestCase("--Training:Epochs=0x10", "Training:Epochs must be a whole number written with the digits 0-9", "got '0x10'")]
    [TestCase("--Model:LayerSizes:0=784", "--Model:LayerSizes:1=10", "Model:LayerSizes takes one value, not a list or object (got Model:LayerSizes:0 … Model:LayerSizes:1 from command line", "write --Model:LayerSizes=VALUE")]
    public void ABadKeyOrValueStopsBeforeAnyWorkNamingIt(string arg, params string[] expected)
    {
        string[] args = [arg, .. expected.TakeWhile(e => e.StartsWith("--", StringComparison.Ordinal))];
        expected = [.. expected.SkipWhile(e => e.StartsWith("--", StringComparison.Ordinal))];
        HostResult result = Run(["train", .. _data, .. args]);

        HostAssert.OneLine(result, 2, ["Configuration is invalid", .. expected]);

        // Key and value errors alike: a refusal before any work is a bare line, not a timestamped log line.
        Assert.That(result.Lines[0], Does.StartWith("Configuration is invalid: "), result.ToString());
        AssertNothingLeftBehind();
    }

    [Test]
    public void ServeWithAFileThatIsNotAModelStopsWithOneLineBeforeItListens()
    {
        string bad = _dir.Combine("notes.snm");
        File.WriteAllText(bad, "not a model");

        HostResult result = Run(["serve", "--model", bad, "--Dashboard:Port=0"]);

        HostAssert.OneLine(result, 5, ["notes.snm", "give a file written by 'train' or 'export'"]);
        Assert.That(result.ToString(), Does.Not.Contain("http://"), "no URL logged for a server that never serves");
    }

    [Test]
    public void ADashboardPortInUseStopsBeforeAnyWorkWithOneLine()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        HostResult result = Run(["train", "--dashboard", .. _data, $"--Dashboard:Port={port}"]);

        HostAssert.OneLine(result, 2, [$"the dashboard cannot listen on 127.0.0.1:{port}", "--Dashboard:Port=N"]);
        AssertNothingLeftBehind();
    }

    [TestCase("adam", 2, "Configuration does not fit in memory: Model:LayerSizes 64,250000,10 needs about")]
    [TestCase("adam", 2, "for its weights, gradients and adam's state")]
    [TestCase("momentum", 2, "for its weights, gradients and momentum's state")]
    [TestCase("sgd", 0, null)]
    public void AnMlpWhoseOptimizerStateWouldNotFitIsRefused_ButPlainSgdTrainsIt(string optimizer, int exitCode, string? expected)
    {
        // 512 MiB for the process: 18.75 million parameters' weights, gradients and the evaluated copy (215 MiB) fit its
        // half, momentum's state or Adam's moments too do not.
        var start = HostProcess.StartInfo(["train", .. _data, "--Model:LayerSizes=64,250000,10", .. (optimizer == "momentum" ? (string[])["--Optimizer:Name=sgd", "--Optimizer:Momentum=0.9"] : [$"--Optimizer:Name={optimizer}"]), "--Training:Epochs=1", "--Training:BatchSize=8", "--Training:EvaluationBatchSize=8", "--Progress:Enabled=false", $"--Run:Directory={Runs}"], _dir.Path);
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x20000000";
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var result = new HostResult(process.ExitCode, stdout.Result, stderr.Result);

        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        if (expected is not null)
        {
            // Refused once the data is loaded (the trainer knows the optimizer), before the network is allocated.
            Assert.That(result.Lines[^1], Does.Contain(expected).And.Contain("train with plain SGD"), result.ToString());
            HostAssert.NoStackTrace(result);
            Assert.That(Directory.Exists(Runs), Is.False, "no run folder");
        }
    }

    // The host started by bash after `script`, so the shell can take away what the host would inherit.
    private HostResult RunUnderBash(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["TMPDIR"] = _dir.Path;
        foreach (string arg in (string[])["-c", $"{script} && exec dotnet \"$0\" \"$@\"", HostProcess.HostDll, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(120)), Is.True);
        return new HostResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    [Test]
    public void ACommandStartedInAFolderThatWasRemovedIsOneLine()
    {
        Directory.CreateDirectory(_dir.Combine("gone"));

        HostResult result = RunUnderBash("cd gone && rmdir ../gone", "predict", "--model", _dir.Combine("m.snm"), _dir.Combine("d.png"));

        HostAssert.OneLine(result, 2, "The current folder no longer exists", "cd to an existing folder");
    }

    [Test]
    public void AFileSizeLimitStopsTrainingAtTheCheckpointItRefuses_LikeAFullDisk()
    {
        // ulimit -f: the write past 20 MB (a 26 MB checkpoint) raised SIGXFSZ, which killed the process mid-checkpoint with no word (exit 153).
        HostResult result = RunUnderBash("ulimit -f 20000", ["train", .. _data, "--Model:LayerSizes=64,30000,10", "--Optimizer:Name=adam", "--Training:Epochs=2", "--Progress:Enabled=false", $"--Run:Directory={Runs}"]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.OutputFailed), result.ToString());
        Assert.That(result.Lines[^1], Does.Contain("ckpt-e0002-b000000.ckpt: the file would be larger than this process may write (a file-size limit such as ulimit -f"), result.ToString());
        HostAssert.NoStackTrace(result);
        Assert.That(Directory.GetFiles(Runs, "*.tmp", SearchOption.AllDirectories), Is.Empty, "the refused file is not left behind");
    }

    [Test]
    public void AModelTooLargeForTheFileSizeLimitWithCheckpointsOffSaysNothingWasKeptAndHowToLiftTheLimit()
    {
        // A 27 MB model under a 20 MB limit: the run folder refuses it, so does the temp folder, and so does a resume point there.
        HostResult result = RunUnderBash("ulimit -f 20000", ["train", .. _data, "--Model:LayerSizes=64,90000,10", "--Training:Epochs=1", "--Checkpoints:Directory=", "--Progress:Enabled=false", $"--Run:Directory={Runs}"]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.OutputFailed), result.ToString());
        HostAssert.NoStackTrace(result);
        string id = Path.GetFileName(Directory.GetDirectories(Runs).Single());
        Assert.That(result.Lines[^1], Does.Contain($"model.snm: the file would be larger than this process may write").And.EndWith(
            $"; saving it to {_dir.Combine($"scratchnet-{id}-model.snm")} instead failed too. No copy of the training could be written (checkpoints are off, and writing a resume point to {_dir.Combine($"scratchnet-{id}-ckpt-e0002-b000000.ckpt")} failed too); raise the file-size limit (ulimit -f) or write to another file system, then train again."), result.ToString());
        Assert.That(result.Output, Does.Not.Contain("--resume"), "no command points to a checkpoint that does not exist");
    }

    [Test]
    public void ATypoInAnEnvironmentVariableNamesTheVariable()
    {
        var start = HostProcess.StartInfo(["train", .. _data, $"--Run:Directory={Runs}"], _dir.Path);
        start.Environment["SCRATCHNET_Trainng__Epochs"] = "5";
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.That(process.ExitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("unknown key Trainng:Epochs (from environment variable SCRATCHNET_Trainng__Epochs) — did you mean Training:Epochs?"));
        Assert.That(Directory.Exists(Runs), Is.False);
    }

    [TestCase("{\"Training\": {\"Epochs\": [5]}}", "Training:Epochs takes one value, not a list or object")]
    [TestCase("{\"Training\": {\"Epochs\": {\"Value\": 5}}}", "Training:Epochs takes one value")]
    [TestCase("{\"Training\": 5}", "Training is a section, not a value")]
    [TestCase("{\"Training\": {\"Epochs\": 1, \"Epochs\": 2}}", "names a key twice (A duplicate key 'Training:Epochs' was found); keep one of them")]
    [TestCase("{\"Trainig\": {\"Epochs\": 5}}", "unknown key Trainig:Epochs", "did you mean Training:Epochs?")]
    [TestCase("{\"Model\": {\"LayerSizes\": [784, 256, 10]}}", "Model:LayerSizes takes one value", "write it as one string there, \"LayerSizes\": \"784,256,10\"")]
    [TestCase("{\"Model\": {\"Layers\": {\"0\": \"flatten\", \"2\": \"dense 10\"}}}", "Model:Layers:2", "leaves a gap: Model:Layers has no item 1")]
    public void AConfigFileWithAWrongShapeOrKeyNamesTheFileAndStaysUntouched(string json, params string[] expected)
    {
        string config = _dir.Combine("my.json");
        File.WriteAllText(config, json);
        byte[] before = File.ReadAllBytes(config);

        HostResult result = Run(["train", "--config", config, .. _data]);

        HostAssert.OneLine(result, 2, [.. expected, config]);
        Assert.That(result.Lines[0].Split("takes one value").Length, Is.LessThanOrEqualTo(2), "one sentence for a list's items, not one each");
        Assert.That(File.ReadAllBytes(config), Is.EqualTo(before));
        AssertNothingLeftBehind();
    }

    [Test]
    public void AOneValueKeyGivenItemsByTwoSources_IsToldTheFixForEachFromItsOwnItems()
    {
        // The advice glued the file's 784,32,16,10 and the command line's 784,10 into one string, named after the file.
        string config = _dir.Combine("ls4.json");
        File.WriteAllText(config, """{"Model":{"LayerSizes":[784,32,16,10]}}""");

        HostResult result = Run(["train", "--config", config, .. _data, "--Model:LayerSizes:0=784", "--Model:LayerSizes:1=10"]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"(got Model:LayerSizes:0 … Model:LayerSizes:3 from {config}); write it as one string there, \"LayerSizes\": \"784,32,16,10\";"));
        Assert.That(result.Stderr, Does.Contain("(got Model:LayerSizes:0 … Model:LayerSizes:1 from command line); write --Model:LayerSizes=VALUE"));
        Assert.That(result.Stderr.Split("takes one value").Length, Is.EqualTo(3), "one sentence per source");
        Assert.That(result.Stderr, Does.Not.Contain("lists merge item by item"), "a one-value key's items are no list to merge");
    }

    [Test]
    public void AOneValueKeyThatIsNoCommaList_IsToldToWriteOneValue_NotItsItemsJoined()
    {
        // "relu,tanh" is no activation: only the keys that are a comma-separated list in one string get their items joined.
        string config = _dir.Combine("act.json");
        File.WriteAllText(config, """{"Model":{"Activation":["relu","tanh"]}}""");

        HostResult result = Run(["train", "--config", config, .. _data, "--Model:Activation:0=tanh"]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"(got Model:Activation:0 … Model:Activation:1 from {config}); write it as one value there, \"Activation\": VALUE"));
        Assert.That(result.Stderr, Does.Not.Contain("relu,tanh").And.Not.Contain("lists merge item by item"));
    }

    [Test]
    public void AConfigFilesListShorterThanTheRecipesIsRefusedNotMergedItemByItem()
    {
        string config = _dir.Combine("layers.json");
        File.WriteAllText(config, """{ "Model": { "Layers": [ "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10" ] } }""");

        HostResult result = Run(["train", "--recipe", "cnn", "--config", config, .. _data]);

        string recipe = Path.Combine(Path.GetDirectoryName(HostProcess.HostDll)!, "config", "recipes", "cnn.json");
        HostAssert.OneLine(result, 2, ["Configuration is invalid", $"Model:Layers has 5 items in {config} but 10 in {recipe} below it", $"items 5 to 9 of {recipe} would be kept after yours"]);
        AssertNothingLeftBehind();
    }

    [TestCase("-Training:Epochs=1", "'-Training:Epochs=1' has one dash", "--Training:Epochs=1")]
    [TestCase("-h5", "'-h5' is no option, and --h5 is none either", "valid options for 'train'")]
    [TestCase("foo.png", "'train' takes no file or word arguments, got 'foo.png'")]
    public void OneDashAndStrayArgumentsAreUsageErrors(string arg, params string[] expected)
    {
        HostAssert.OneLine(Run(["train", .. _data, arg]), 2, ["Invalid command line", .. expected]);
        AssertNothingLeftBehind();
    }

    [TestCase("evaluate", "x.png")]
    [TestCase("export", "x.png")]
    [TestCase("diagnose", "x")]
    public void CommandsThatTakeNoFilesRefuseThem(string command, string stray)
    {
        HostAssert.OneLine(Run([command, "--model", "m.snm", stray]), 2, $"'{command}' takes no file or word arguments, got '{stray}'");
    }

    [TestCase("/dev/zero", "is a character device, not a regular file")]
    [TestCase("/dev/urandom", "is a character device, not a regular file")]
    [TestCase("/", "is a directory, not a regular file")]
    [TestCase("FIFO", "is a named pipe (FIFO), not a regular file")]
    public void ADevicePipeOrFolderAsTheConfigFileIsRefusedWithoutReadingIt(string path, string expected)
    {
        path = path == "FIFO" ? MakeFifo("config.json") : path;

        HostAssert.OneLine(Run(["train", "--config", path, .. _data]), 2, expected);
        AssertNothingLeftBehind();
    }

    [TestCase("/dev/zero", "is a character device")]
    [TestCase("FIFO", "is a named pipe (FIFO)")]
    public void ADeviceOrPipeAsAModelIsRefusedWithoutReadingIt(string path, string expected)
    {
        path = path == "FIFO" ? MakeFifo("model.snm") : path;

        HostAssert.OneLine(Run(["evaluate", "--model", path, .. _data]), 5, expected);
        HostAssert.OneLine(Run(["predict", "--model", path, "x.png"]), 5, expected);
        HostAssert.OneLine(Run(["train", .. _data, $"--Model:InitFrom={path}"]), 2, $"Model:InitFrom {path} {expected}, not a regular file");
        AssertNothingLeftBehind();
    }

    [TestCase("/dev/zero", "is a character device, not a regular file")]
    [TestCase("FIFO", "is a named pipe (FIFO), not a regular file")]
    public void ADeviceOrPipeAsTheCheckpointToResumeIsRefusedWithoutReadingIt(string path, string expected)
    {
        path = path == "FIFO" ? MakeFifo("ckpt-e0002-b000000.ckpt") : path;

        HostAssert.OneLine(Run(["train", .. _data, "--resume", path]), 2, "Checkpoint unusable: the checkpoint", expected);
        AssertNothingLeftBehind();
    }

    [Test]
    public void APipeInPlaceOfAnIdxFileIsRefusedWithoutWaitingForAWriter()
    {
        string labels = Path.Combine(_dir.Combine("idx"), "train-labels-idx1-ubyte");
        File.Delete(labels);
        using (Process mkfifo = Process.Start("mkfifo", [labels])!)
        {
            mkfifo.WaitForExit();
        }

        HostAssert.OneLine(Run(["train", .. _data, "--Progress:Enabled=false", "--Serilog:MinimumLevel:Default=Warning"]), 4, $"{labels} is a named pipe (FIFO), not a regular file");
    }

    [Test]
    public void AHugeConfigFileIsRefusedBySize()
    {
        string config = _dir.Combine("big.json");
        using (FileStream file = File.Create(config))
        {
            file.SetLength(ScratchNetHost.MaxConfigurationFileBytes + 1);
        }

        HostAssert.OneLine(Run(["train", "--config", config, .. _data]), 2, "is 1,048,577 bytes; at most 1,048,576 are read");
    }

    [Test]
    public void AConfigFileOfFortyThousandUnknownKeysIsOneShortLineQuickly()
    {
        string config = _dir.Combine("many.json");
        File.WriteAllText(config, "{" + string.Join(",", Enumerable.Range(0, 40_000).Select(i => $"\"K{i}\": {{\"X\": {i}}}")) + "}");
        var clock = Stopwatch.StartNew();

        HostResult result = Run(["train", "--config", config, .. _data]);

        HostAssert.OneLine(result, 2, "unknown key K0:X", "more keys were not checked; fix these first");
        Assert.That(result.Lines[0].Length, Is.LessThan(10_000));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "checking is linear in the number of keys");
        AssertNothingLeftBehind();
    }

    [Test]
    public void PredictReportsEachBadImageOnItsOwnLineAndClassifiesTheOthers()
    {
        string model = Model();
        using Image<Rgba32> digit = DigitImages.Draw(90, 90, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 40, 30, 12);
        string good = _dir.Combine("seven.png");
        digit.SaveAsPng(good);
        string notImage = _dir.Combine("notes.png");
        File.WriteAllText(notImage, "not an image");
        string fifo = MakeFifo("pipe.png");
        string missing = _dir.Combine("missing.png");
        string good2 = _dir.Combine("seven-again.png");
        File.Copy(good, good2);

        HostResult result = Run("predict", "--model", model, good, notImage, "/dev/zero", fifo, missing, good2);

        Assert.That(result.ExitCode, Is.EqualTo(6), result.ToString());
        HostAssert.NoStackTrace(result);
        // An untrained model is unsure of every reading, so each good image also gets its warning line.
        Assert.That(result.Lines.Count(l => !l.Contains(": this reading may be wrong: the model is unsure", StringComparison.Ordinal)), Is.EqualTo(6), result.ToString());
        Assert.That(result.Lines.Count(l => l.Contains($"{good}: ", StringComparison.Ordinal) && l.Contains("(p=", StringComparison.Ordinal) && !l.Contains("may be wrong", StringComparison.Ordinal)), Is.EqualTo(1), result.ToString());
        Assert.That(result.Lines.Count(l => l.Contains($"{good2}: ", StringComparison.Ordinal) && l.Contains("(p=", StringComparison.Ordinal) && !l.Contains("may be wrong", StringComparison.Ordinal)), Is.EqualTo(1), result.ToString());
        Assert.That(result.Lines.Count(l => l.Contains(notImage, StringComparison.Ordinal) && l.Contains("not a readable image", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(result.Lines.Count(l => l.Contains("/dev/zero is a character device", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(result.Lines.Count(l => l.Contains($"{fifo} is a named pipe", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(result.Lines.Count(l => l.Contains($"{missing} does not exist", StringComparison.Ordinal)), Is.EqualTo(1));
        string[] results = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(results, Has.Length.EqualTo(2).And.All.Contain("(p=").And.None.Contain("may be wrong"), "stdout holds the two readings and nothing else: " + result);
        Assert.That(result.Stderr, Does.Not.Match(@": \d \(p=\d\.\d{4}\)").And.Contain("not a readable image").And.Contain("may be wrong"), "the failures and warnings go to stderr");
        Assert.That(Directory.Exists(Runs), Is.False, "predict leaves no run folder");
    }

    [Test]
    public void ExportOntoADirectoryDevicePipeOrTheModelItselfIsRefusedAndNothingIsReplaced()
    {
        string model = Model();
        byte[] modelBytes = File.ReadAllBytes(model);
        string folder = _dir.Combine("out.onnx");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "keep.txt"), "keep");
        string fifo = MakeFifo("out.safetensors");
        string link = _dir.Combine("link.snm");
        File.CreateSymbolicLink(link, model);

        HostAssert.OneLine(Run("export", "--model", model, "--out", folder), 2, $"--out {folder} is a directory, not a regular file");
        HostAssert.OneLine(Run("export", "--model", model, "--out", "/dev/null", "--format", "onnx"), 2, "--out /dev/null is a character device, not a regular file");
        HostAssert.OneLine(Run("export", "--model", model, "--out", fifo), 2, "is a named pipe (FIFO), not a regular file");
        HostAssert.OneLine(Run("export", "--model", model, "--out", link, "--format", "native"), 2, "is the model file itself");
        HostAssert.OneLine(Run("export", "--model", model, "--format", "native"), 2, "without --out,", "would be the model file itself; give --out with another path");

        Assert.That(File.ReadAllText(Path.Combine(folder, "keep.txt")), Is.EqualTo("keep"));
        Assert.That(File.ReadAllBytes(model), Is.EqualTo(modelBytes));
        Assert.That(ScratchNet.Files.FileKinds.Of("/dev/null"), Is.EqualTo(ScratchNet.Files.FileKind.CharacterDevice));
        Assert.That(Directory.GetFiles(_dir.Path, "*.tmp"), Is.Empty);
    }

    [Test]
    public void CommandsOtherThanTrainAndHelpAndFailuresLeaveNoRunFolder()
    {
        string model = Model();
        string work = _dir.Combine("work");
        Directory.CreateDirectory(work);

        // The default Run:Directory, relative to the working directory, as a user runs it.
        HostResult[] results =
        [
            HostProcess.Run(["--help"], work),
            HostProcess.Run(["export", "--model", model, "--out", _dir.Combine("m.onnx")], work),
            HostProcess.Run(["evaluate", "--model", model, .. _data, "--Model:LayerSizes=64,16,10"], work),
            HostProcess.Run(["diagnose", .. _data, "--steps", "5", "--entries", "2", "--Data:CacheDirectory=" + Cache], work),
            HostProcess.Run(["train", .. _data, "--Training:Epochs=0"], work),
            HostProcess.Run(["train", .. _data, "--Training:Epoch=1"], work),
        ];

        Assert.That(results.Select(r => r.ExitCode), Is.EqualTo(new[] { 0, 0, 5, 0, 2, 2 }), string.Join("\n", results.Select(r => r.ToString())));
        Assert.That(Directory.EnumerateFileSystemEntries(work), Is.Empty, "nothing written to the working directory");
    }

    [Test]
    public void AnEvaluationBatchBeyondWhatOnePassOfTheModelCarries_IsAValueBeyondItsLimit_Exit2_NamingAValueThatFits()
    {
        // 65,536 filters on the 8 × 8 images and three activations: 33,816,650 values a row, so at most 31 of the 50 test
        // images at once. The model is fine (exit 5 is for a bad model file); the value is not.
        string model = _dir.Combine("wide.snm");
        string[] layers = ["conv 65536 3x3 pad 1", "relu", "tanh", "sigmoid", "avgpool 8", "flatten", "dense 10"];
        Sequential network = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(1, 8, 8), 1, "he_normal", seed: 1);
        ModelFile.Save(SavedModel.FromNetwork(network, new Dictionary<string, string>(), null), model, ModelFormat.Native);

        HostResult result = Run(["evaluate", "--model", model, .. _data, "--Training:EvaluationBatchSize=50"]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Lines[^1], Does.Contain("Training:EvaluationBatchSize 50: the model").And.Contain("takes 33,816,650 values per image, too many for 50 images at once").And.EndWith("the limit is Training:EvaluationBatchSize ≤ 31"), result.ToString());
        HostAssert.NoStackTrace(result);
    }

    [Test]
    public void AValueCutToTheDataTrainsWithoutAllocatingForTheConfiguredSize()
    {
        HostResult result = Run(["train", .. _data, "--Training:Epochs=1", "--Training:BatchSize=1048576", "--Training:EvaluationBatchSize=1048576", "--Progress:Enabled=false"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("1 batches").Or.Contain("of 1 batch"));
    }

    private string Model()
    {
        string path = _dir.Combine($"model-{Guid.NewGuid():N}.snm");
        Sequential network = Sequential.Mlp([784, 8, 10], "relu", "he_normal", 9, 1);
        ModelFile.Save(SavedModel.FromNetwork(network, new Dictionary<string, string>(), null), path, ModelFormat.Native);
        return path;
    }

    private string MakeFifo(string name)
    {
        string path = _dir.Combine(name);
        using var process = Process.Start("mkfifo", [path])!;
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), "mkfifo failed");
        return path;
    }
}
