using System.Diagnostics;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>
/// What a script sees of the built executable: results on stdout, warnings and errors on stderr, and a result that could
/// not be written (stdout on a full disk or closed) as exit code 8 with its reason on stderr, never as success.
/// </summary>
public sealed class ProcessStandardStreamsTests
{
    private TempDirectory _dir = null!;
    private string[] _data = null!;
    private string _model = null!;

    [OneTimeSetUp]
    public void TrainAModel()
    {
        _dir = new TempDirectory();
        _data = SyntheticIdx.Write(_dir.Combine("idx"), trainRows: 200, testRows: 50);
        HostResult trained = Run(["train", .. _data, "--Training:Epochs=1"]);
        Assert.That(trained.ExitCode, Is.EqualTo(0), trained.ToString());
        _model = Directory.GetFiles(_dir.Combine("runs"), "model.snm", SearchOption.AllDirectories).Single();
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8>(8, 8);
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, _dir.Combine("digit.png"));
    }

    [OneTimeTearDown]
    public void TearDown() => _dir.Dispose();

    private string[] Command(string name) => name switch
    {
        "predict" => ["predict", "--model", _model, "--as-is", _dir.Combine("digit.png")],
        "predict-json" => ["predict", "--model", _model, "--as-is", "--format", "json", _dir.Combine("digit.png")],
        "evaluate" => ["evaluate", "--model", _model, .. _data],
        "help" => ["--help"],
        "version" => ["--version"],
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private HostResult Run(string[] args, string? stdout = null) =>
        stdout is null ? HostProcess.Run([.. args, $"--Run:Directory={_dir.Combine("runs")}"], _dir.Path) : RunRedirected(args, stdout);

    /// <summary>Runs the host with its stdout redirected by the shell (<c>&gt; /dev/full</c>, <c>&gt;&amp;-</c>); stderr is still captured.</summary>
    private HostResult RunRedirected(string[] args, string redirection) => HostProcess.Run(InBash(HostProcess.StartInfo(args, _dir.Path), $"exec \"$0\" \"$@\" {redirection}"));

    /// <summary>The host's start run by bash's <paramref name="script"/>, in which <c>"$0" "$@"</c> is the host's command line.</summary>
    private static ProcessStartInfo InBash(ProcessStartInfo start, string script)
    {
        start.ArgumentList.Insert(0, start.FileName);
        start.ArgumentList.Insert(0, script);
        start.ArgumentList.Insert(0, "-c");
        start.FileName = "/bin/bash";
        return start;
    }

    [Test]
    public void AnError_GoesToStderr_AndNothingToStdout()
    {
        HostResult result = Run(["--Training:Epoch=2"]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stdout, Is.Empty, result.ToString());
        Assert.That(result.Stderr.Trim(), Is.EqualTo("Configuration is invalid: unknown key Training:Epoch (from command line (--Training:Epoch)) — did you mean Training:Epochs?"));
    }

    [Test]
    public void Results_GoToStdout_AndWarningsToStderr()
    {
        // A blank image: an unsure reading, whose warning must not land among the results.
        HostResult result = Run(Command("predict"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout.Trim(), Does.Contain("digit.png: ").And.Contain("(p=").And.Not.Contain("may be wrong"), result.ToString());
        Assert.That(result.Stderr, Does.Contain("digit.png: this reading may be wrong"), result.ToString());
    }

    [Test]
    public void Results_ReachStdoutAsPlainLines_WhateverTheLogLevel(
        [Values("predict", "evaluate")] string command,
        [Values("Information", "Warning", "Fatal")] string level)
    {
        // Results are no log events: Serilog:MinimumLevel:Default=Warning (less log noise) printed nothing with exit 0,
        // and the console's template put a time in front of each reading in `predict … > results.txt`.
        HostResult result = Run([.. Command(command), $"--Serilog:MinimumLevel:Default={level}"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string[] all = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // At Information evaluate's progress lines ("Loaded idx …") are there as well, with their times; above it, only the results.
        string[] lines = [.. all.Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d{2}:\d{2}:\d{2} "))];
        if (level != "Information")
        {
            Assert.That(lines, Is.EqualTo(all), result.ToString());
        }

        string first = command == "predict" ? $"{_dir.Combine("digit.png")}: " : $"Evaluated {_model} on the ";
        Assert.That(lines, Has.Length.EqualTo(command == "predict" ? 1 : 2 + 1 + 10), result.ToString());
        Assert.That(lines[0], Does.StartWith(first), result.ToString());
        if (command == "evaluate")
        {
            Assert.That(lines[1], Is.EqualTo("Confusion matrix (rows true, columns predicted):"), result.ToString());
        }
    }

    [Test]
    public void AUserErrorIsStillOneLineOnStderr_AtALogLevelAboveErrors()
    {
        // Serilog:MinimumLevel:Default=Fatal (a quiet run) left only the exit code to say what went wrong.
        HostResult result = Run(["evaluate", "--model", _dir.Combine("nosuch.snm"), "--Serilog:MinimumLevel:Default=Fatal"]);

        Assert.That(result.ExitCode, Is.EqualTo(5), result.ToString());
        Assert.That(result.Stderr, Does.Contain("nosuch.snm"), result.ToString());

        // predict's own refusal of one image among others, made inside the command.
        HostResult image = Run(["predict", "--model", _model, _dir.Combine("nosuch.png"), "--Serilog:MinimumLevel:Default=Fatal"]);
        Assert.That(image.ExitCode, Is.EqualTo(6), image.ToString());
        Assert.That(image.Stderr, Does.Contain("nosuch.png").And.Contain("does not exist"), image.ToString());
    }

    // A template without {Message} hid why the command failed; one without :lj put it in quotes.
    [TestCase("--Serilog:WriteTo:0:Args:outputTemplate=[{Level}]{NewLine}")]
    [TestCase("--Serilog:WriteTo:0:Args:outputTemplate=[{Level}] {Message}{NewLine}")]
    [TestCase("--Serilog:WriteTo:0:Args:restrictedToMinimumLevel=Fatal")]
    [TestCase("--Serilog:MinimumLevel:Default=Information")]
    public void AUserErrorIsOneUnquotedLine_WhateverTheConsoleTemplate(string setting)
    {
        string missing = _dir.Combine("nosuch.png");
        HostResult image = Run(["predict", "--model", _model, missing, setting]);

        Assert.That(image.ExitCode, Is.EqualTo(6), image.ToString());
        string[] reasons = [.. image.Stderr.Split('\n').Where(l => l.Contains($"{missing} does not exist", StringComparison.Ordinal))];
        Assert.That(reasons, Has.Length.EqualTo(1), image.ToString());
        Assert.That(reasons[0], Does.Not.Contain("\""), "as it is, not quoted");

        HostResult model = Run(["evaluate", "--model", _dir.Combine("nosuch.snm"), setting]);
        Assert.That(model.ExitCode, Is.EqualTo(5), model.ToString());
        Assert.That(model.Stderr.Split('\n').Count(l => l.Contains("nosuch.snm", StringComparison.Ordinal)), Is.EqualTo(1), model.ToString());
    }

    // At Warning a training printed nothing at all, not even where its model went: where the model is
    // (in the run's folder) and the final score are results; the epochs, the confusion matrix and the rest stay log lines,
    // and so does "Run … starts in …", which a run that fails before training (its folder removed again) also prints.
    [TestCase("Information")]
    [TestCase("Warning")]
    [TestCase("Error")]
    public void TrainSaysWhereItsRunAndModelAreAndItsScore_OnceAtAnyLogLevel(string level)
    {
        string runs = _dir.Combine($"runs-{level}");
        HostResult result = HostProcess.Run(["train", .. _data, "--Training:Epochs=1", "--Progress:Enabled=false", $"--Run:Directory={runs}", $"--Serilog:MinimumLevel:Default={level}"], _dir.Path);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string folder = Directory.GetDirectories(runs).Single();
        string[] expected =
        [
            $"Saved the model to {Path.Combine(folder, "model.snm")} (dataset SHA-256 ",
            "Finished 1 epoch: val_loss=",
        ];
        string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (string line in expected)
        {
            Assert.That(lines.Count(l => l.Contains(line, StringComparison.Ordinal)), Is.EqualTo(1), result.ToString());
        }

        if (level != "Information")
        {
            // Plain lines, the results alone: no epoch lines, no times in front.
            Assert.That(lines, Has.Length.EqualTo(expected.Length), result.ToString());
            Assert.That(lines.Zip(expected), Has.All.Matches<(string Line, string Start)>(p => p.Line.StartsWith(p.Start, StringComparison.Ordinal)), result.ToString());
            Assert.That(lines[1], Does.Match(@"^Finished 1 epoch: val_loss=\d+\.\d{4} val_acc=\d\.\d{4} mean_epoch=\d+\.\d{3}s total=\d+\.\ds$"), result.ToString());
        }
    }

    [TestCase("--Serilog:MinimumLevel:Default=Warning")]
    [TestCase("--Serilog:MinimumLevel:Default=Information")]
    public void ExportSaysWhatItWrote_OnceAtAnyLogLevel(string setting)
    {
        // At Warning, export wrote its file and said nothing.
        string output = _dir.Combine($"e{setting.Length}.safetensors");
        HostResult result = Run(["export", "--model", _model, "--out", output, setting]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout.Split('\n').Count(l => l.StartsWith($"Exported {_model} as safetensors to {output}", StringComparison.Ordinal)), Is.EqualTo(1), result.ToString());
        string digest = ScratchNet.Models.WeightsDigest.Of(ScratchNet.Models.ModelFile.Load(_model).Tensors);
        Assert.That(result.Stdout.Split('\n').Count(l => l.StartsWith($"Weights digest: {digest} (", StringComparison.Ordinal)), Is.EqualTo(1), result.ToString());
    }

    [Test]
    public void AResultThatCannotBeWritten_IsExit8WithItsReasonOnStderr(
        [Values("predict", "predict-json", "evaluate", "help", "version")] string command,
        [Values("> /dev/full", ">&-")] string redirection)
    {
        HostResult result = Run(Command(command), redirection);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.OutputFailed), result.ToString());
        string reason = redirection == ">&-" ? "it is closed or cannot be written" : "No space left on device";
        Assert.That(result.Stderr, Does.Contain($"Could not write the results to standard output ({reason}), so some or all of them are missing"), result.ToString());
        HostAssert.NoStackTrace(result);
    }

    // Standard output a pipe whose reader has gone before the first write (`| true`), made so without a race: a FIFO
    // opened for reading and writing, opened again for writing, and its reading end closed.
    private const string ReaderGone = "f=$(mktemp -u) && mkfifo \"$f\" && exec 3<>\"$f\" 4>\"$f\" 3<&- && rm \"$f\" && exec \"$0\" \"$@\" >&4 4>&-";

    // .NET takes EPIPE for success: `predict … | true` exited 0 with every reading lost. Then it said so on stderr, where a
    // Unix tool whose reader went away (`| head -1`) ends silently: exit 8, and nothing on stderr.
    [Test]
    public void AResultWhoseReaderHasGone_IsExit8_WithNothingOnStderr([Values("predict", "evaluate", "help", "version")] string command)
    {
        HostResult result = HostProcess.Run(InBash(HostProcess.StartInfo(Command(command), _dir.Path), ReaderGone));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.OutputFailed), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("Could not write"), result.ToString());
        if (command is "help" or "version")
        {
            Assert.That(result.Stderr.Trim(), Is.Empty, result.ToString());
        }

        HostAssert.NoStackTrace(result);
    }

    // predict DIR | head -1 went on through every reading (and its warnings) after its reader had gone, and only then
    // exited 8. It stops at the first result refused: no further reading, warning or image's error is written.
    [Test]
    public void Predict_StopsAtTheFirstResultThatCannotBeWritten([Values("> /dev/full", "reader gone")] string redirection)
    {
        string image = _dir.Combine("digit.png");
        string[] args = ["predict", "--model", _model, "--as-is", image, image, image, _dir.Combine("nosuch.png")];
        HostResult result = redirection == "reader gone"
            ? HostProcess.Run(InBash(HostProcess.StartInfo(args, _dir.Path), ReaderGone))
            : RunRedirected(args, redirection);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.OutputFailed), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("may be wrong").And.Not.Contain("nosuch.png"), result.ToString());
        string[] lines = [.. result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        Assert.That(lines, Has.Length.EqualTo(redirection == "reader gone" ? 0 : 1), result.ToString());
        HostAssert.NoStackTrace(result);
    }

    // A stop signal while predict waited on a full pipe hung it for good: the signal's stderr line held the progress
    // line's gate and waited for the console's lock, which the next reading held while it waited for that gate
    // (probe-retest12 R12-1). Its readings are being written, so they are finished, and predict exits.
    [Test]
    public void Predict_StoppedWhileItsReaderIsSlow_FinishesItsReadings_AndExits()
    {
        const int Images = 1500;
        using Process predict = Process.Start(HostProcess.StartInfo(["predict", "--model", _model, "--as-is", "--format", "json", .. Enumerable.Repeat("digit.png", Images)], _dir.Path))!;
        Task<string> stderr = predict.StandardError.ReadToEndAsync();
        string first = predict.StandardOutput.ReadLine() ?? "";

        // The readings fill the pipe (64 KiB, a third of them) and predict waits on it, as behind a slow reader.
        Thread.Sleep(TimeSpan.FromSeconds(2));
        HostProcess.Interrupt(predict, HostProcess.SigTerm);
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Task<string> rest = predict.StandardOutput.ReadToEndAsync();
        bool exited = predict.WaitForExit(TimeSpan.FromSeconds(60));
        if (!exited)
        {
            predict.Kill();
            predict.WaitForExit();
        }

        Assert.That(exited, Is.True, "predict hung after the stop signal: " + stderr.Result);
        Assert.That(predict.ExitCode, Is.EqualTo(0), stderr.Result);
        Assert.That((first + "\n" + rest.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(Images), stderr.Result);
        Assert.That(stderr.Result, Does.Contain("predict is writing its results; it finishes them, then exits"));
    }

    [Test]
    public void Serve_WhoseReaderHasGone_ClosesTheDashboard_AndExits8_WithNothingOnStderr()
    {
        HostResult result = HostProcess.Run(InBash(HostProcess.StartInfo(["serve", "--runs", _dir.Combine("runs"), "--Dashboard:Port=0"], _dir.Path), ReaderGone), TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.OutputFailed), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("Could not write"), result.ToString());
        HostAssert.NoStackTrace(result);
    }

    // export's result is its file: stdout refused is no failure of it, but a full disk is said once (it was silent), and
    // a reader that went away is not.
    [Test]
    public void Export_WhoseStdoutCannotBeWritten_SaysSoOnce_ExceptForAReaderGone([Values("> /dev/full", "reader gone")] string redirection)
    {
        string exported = _dir.Combine($"out-{redirection.Length}.safetensors");
        string[] args = ["export", "--model", _model, "--out", exported];
        HostResult result = redirection == "reader gone"
            ? HostProcess.Run(InBash(HostProcess.StartInfo(args, _dir.Path), ReaderGone))
            : RunRedirected(args, redirection);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(File.Exists(exported), Is.True, result.ToString());
        string[] lines = [.. result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        Assert.That(lines, Has.Length.EqualTo(redirection == "reader gone" ? 0 : 1), result.ToString());
        if (lines.Length == 1)
        {
            Assert.That(lines[0], Does.EndWith($"Could not write to standard output (No space left on device); the model was exported to {exported} all the same"), result.ToString());
        }
    }

    [Test]
    public void Training_WhoseReaderHasGone_GoesOnToTheEnd()
    {
        string runs = _dir.Combine("gone");
        HostResult result = HostProcess.Run(InBash(HostProcess.StartInfo(["train", .. _data, "--Training:Epochs=1", $"--Run:Directory={runs}"], _dir.Path), ReaderGone));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Directory.GetFiles(runs, "model.snm", SearchOption.AllDirectories), Has.Length.EqualTo(1), result.ToString());
    }

    // serve's result is its URL, with a free port the only way to find the page: serve > /dev/full served unseen, printed
    // nothing anywhere and exited 0 once stopped. It now says so with the address, closes, and exits 8.
    [Test]
    public void Serve_WhoseAddressCannotBeWritten_NamesItOnStderr_ClosesTheDashboard_AndExits8([Values("> /dev/full", ">&-")] string redirection)
    {
        HostResult result = HostProcess.Run(
            InBash(HostProcess.StartInfo(["serve", "--runs", _dir.Combine("runs"), "--Dashboard:Port=0"], _dir.Path), $"exec \"$0\" \"$@\" {redirection}"),
            TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.OutputFailed), result.ToString());
        string reason = redirection == ">&-" ? "it is closed or cannot be written" : "No space left on device";
        string[] lines = [.. result.Stderr.Split('\n').Where(l => l.Contains("dashboard's address", StringComparison.Ordinal))];
        Assert.That(lines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(lines[0], Does.Match($@"Could not write the dashboard's address to standard output \({reason}\), so serve closes the dashboard it opened at http://127\.0\.0\.1:\d+/; "), result.ToString());
        HostAssert.NoStackTrace(result);
    }

    // The commands whose results are their files go on when stdout cannot be written: what they wrote is on disk, and
    // train --dashboard names on stderr the dashboard's address, which is nowhere else.
    [Test]
    public void TrainAndExport_WhoseResultsAreTheirFiles_GoOn_WhenStdoutCannotBeWritten_AndTrainNamesItsDashboardOnStderr()
    {
        string runs = _dir.Combine("full-runs");
        HostResult trained = HostProcess.Run(InBash(
            HostProcess.StartInfo(["train", .. _data, "--Training:Epochs=1", $"--Run:Directory={runs}", "--dashboard", "--Dashboard:Port=0"], _dir.Path),
            "exec \"$0\" \"$@\" > /dev/full"));

        Assert.That(trained.ExitCode, Is.EqualTo(0), trained.ToString());
        Assert.That(Directory.GetFiles(runs, "model.snm", SearchOption.AllDirectories), Has.Length.EqualTo(1), trained.ToString());
        Assert.That(trained.Stderr, Does.Match(@"Could not write the dashboard's address to standard output \(No space left on device\): the dashboard is at http://127\.0\.0\.1:\d+/; training goes on"), trained.ToString());

        string exported = _dir.Combine("full.safetensors");
        HostResult export = RunRedirected(["export", "--model", _model, "--out", exported], "> /dev/full");
        Assert.That(export.ExitCode, Is.EqualTo(0), export.ToString());
        Assert.That(File.Exists(exported), Is.True, export.ToString());
        HostAssert.NoStackTrace(export);
    }

    [Test]
    public void Training_GoesOnToTheEnd_WhenItsReaderGoesAway()
    {
        // `train | head -1`: the run's results are its files, and a reader that stopped reading is no reason to lose them.
        string runs = _dir.Combine("piped");
        HostResult result = HostProcess.Run(InBash(
            HostProcess.StartInfo(["train", .. _data, "--Training:Epochs=3", $"--Run:Directory={runs}"], _dir.Path),
            "\"$0\" \"$@\" | head -1; exit ${PIPESTATUS[0]}"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "head printed one line");
        Assert.That(Directory.GetFiles(runs, "model.snm", SearchOption.AllDirectories), Has.Length.EqualTo(1), "the run finished and saved its model");
    }
}
