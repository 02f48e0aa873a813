using System.Diagnostics;
using ScratchNet.Core.Layers;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Models;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests;

/// <summary>
/// Every command answers a stop signal at once and stops: diagnose at its next step, without a result (exit 130); serve
/// closes on SIGHUP, the terminal closing, as on Ctrl+C (exit 0), where SIGHUP used to kill it (exit 129, no word).
/// </summary>
[Category("Integration")]
public sealed class ProcessStopSignalsTests
{
    private TempDirectory _dir = null!;
    private string[] _data = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _data = SyntheticIdx.Write(_dir.Combine("idx"), trainRows: 200, testRows: 50);
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void CtrlCStopsDiagnoseAtItsNextStepWithOneLineAndExit130()
    {
        // A rate this small never memorises the batch: the overfit test would run all its million steps.
        (HostResult result, TimeSpan afterSignal) = SignalOnceReady(["diagnose", .. _data, "--steps", "1000000", "--Optimizer:LearningRate=0.0000001"], "Activation relu0", HostProcess.SigInt);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted), result.ToString());
        Assert.That(result.Stderr, Does.Contain("Stopping (Ctrl+C): diagnose ends at its next step, without a result"));
        Assert.That(result.Stdout, Does.Not.Contain("overfit one batch"), "no report of the half-done test");
        Assert.That(afterSignal, Is.LessThan(TimeSpan.FromSeconds(30)), "it stopped, rather than finishing the steps");
        HostAssert.NoStackTrace(result);
    }

    [Test]
    public void CtrlCStopsEvaluateAfterTheChunkItIsScoringWithOneLineAndExit130()
    {
        // 20,000 held-out rows through a wide network in chunks of 50: many seconds of work, stopped after one chunk.
        string idx = _dir.Combine("idx-large");
        SyntheticIdx.Write(idx, trainRows: 100, testRows: 20_000);
        string model = _dir.Combine("wide.snm");
        ModelFile.Save(SavedModel.FromNetwork(Sequential.Mlp([64, 2048, 2048, 10], "relu", "he_normal", 9, 1), new Dictionary<string, string> { ["Data:Dataset"] = "idx", ["Data:Split"] = "official" }, null), model, ModelFormat.Native);
        string[] args = ["evaluate", "--model", model, "--Data:Dataset=idx", $"--Data:Directory={idx}", "--Data:Split=official", "--Training:EvaluationBatchSize=50"];

        (HostResult result, TimeSpan afterSignal) = SignalOnceReady(args, "Loaded idx", HostProcess.SigInt);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted), result.ToString());
        Assert.That(result.Stderr, Does.Contain("Stopping (Ctrl+C): evaluate ends at its next step, without a result"));
        Assert.That(result.Stdout, Does.Not.Contain("accuracy=").And.Not.Contain("Confusion matrix"), "the score of part of the split is not the model's");
        Assert.That(afterSignal, Is.LessThan(TimeSpan.FromSeconds(30)), "it stopped, rather than scoring every chunk");
        HostAssert.NoStackTrace(result);
    }

    [Test]
    public void ClosingTheTerminalStopsServeAsCtrlCDoes()
    {
        (HostResult result, _) = SignalOnceReady(["serve", "--runs", _dir.Combine("runs"), "--Dashboard:Port=0"], "Serving the runs", HostProcess.SigHup);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stderr, Does.Contain("Stopping (SIGHUP, the terminal closed): the dashboard closes"));
        HostAssert.NoStackTrace(result);
    }

    // At Warning the picked port was never printed, so the page could not be found; a template without
    // {Message} hid the answer to the signal (N1). At the default level each line is there once.
    [TestCase("--Serilog:MinimumLevel:Default=Warning")]
    [TestCase("--Serilog:WriteTo:0:Args:outputTemplate=[{Level}]{NewLine}")]
    [TestCase("--Serilog:MinimumLevel:Default=Information")]
    public void ServeNamesThePortItPicked_AndAnswersTheSignal_WhateverTheSerilogSettings(string setting)
    {
        (HostResult result, _) = SignalOnceReady(["serve", "--runs", _dir.Combine("runs"), "--Dashboard:Port=0", setting], "Dashboard at http://127.0.0.1:", HostProcess.SigTerm);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout.Split('\n').Count(l => l.StartsWith("Dashboard at http://127.0.0.1:", StringComparison.Ordinal)), Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr.Split('\n').Count(l => l.Contains("Stopping (SIGTERM): the dashboard closes", StringComparison.Ordinal)), Is.EqualTo(1), result.ToString());
    }

    [Test]
    public void AnInterruptedTrainWithTheDashboard_ClosesCleanly_AndItsResumeFromAnotherFolderNamesThatFolder()
    {
        // Run:Directory stays "runs"; the run is trained in r2 and resumed there. Closing asked the
        // disposed container where the run was, once: an interrupted run ended with a stack trace instead of exit 130.
        string r2 = _dir.Combine("r2");
        (HostResult interrupted, _) = SignalOnceReady(["train", .. _data, "--Training:Epochs=40", $"--Run:Directory={r2}", "--dashboard", "--Dashboard:Port=0"], "epoch=001", HostProcess.SigInt);

        Assert.That(interrupted.ExitCode, Is.EqualTo(ExitCodes.Interrupted), interrupted.ToString());
        HostAssert.NoStackTrace(interrupted);
        Assert.That(interrupted.Stdout + interrupted.Stderr, Does.Contain($"browsable with: serve --runs {r2}"));

        string run = Directory.GetDirectories(r2).Single();
        HostResult resumed = HostProcess.Run(["train", "--resume", run, "--dashboard", "--Dashboard:Port=0"], _dir.Path);

        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        // Named from the working folder, where r2 is; not the configured (default) runs.
        Assert.That(resumed.Stdout + resumed.Stderr, Does.Contain("browsable with: serve --runs r2\n").Or.Contain("browsable with: serve --runs r2\r\n"));
    }

    // With the dashboard the host's start lasts longer (its server binds a port after StopSignals took the signals over);
    // a stop then was answered "training has not begun" and the program ended with a bare "Interrupted.",
    // so its delays are closer together.
    [TestCase(false)]
    [TestCase(true)]
    public void CtrlCAtAnyMomentOfTheStartOrTraining_IsAnsweredWithALine_AndExit130_AndTheAnswerIsKept(bool dashboard)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("learns from /proc when the process's signal handler exists");
        }

        // No timing is asserted: the delays only spread the signals over the start (parsing, the host, its hand-over to the
        // command), the run's set-up and training, and each must be answered, with what then happens.
        var failures = new List<string>();
        double[] delays = dashboard
            ? [.. Enumerable.Range(0, 30).Select(i => 0.3 + (i * 0.03))]
            : [0.005, 0.02, 0.04, 0.07, 0.1, 0.14, 0.2, 0.27, 0.35, 0.5, 0.7, 1.0, 1.5];
        string[] extra = dashboard ? ["--dashboard", "--Dashboard:Port=0"] : [];
        for (int i = 0; i < delays.Length; i++)
        {
            string runs = _dir.Combine($"runs{i}");
            using Process process = Process.Start(HostProcess.StartInfo(["train", .. _data, "--Training:Epochs=100000", "--Progress:Enabled=false", $"--Run:Directory={runs}", .. extra], _dir.Path))!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            WaitForItsSignalHandler(process);
            Thread.Sleep(TimeSpan.FromSeconds(delays[i]));
            HostProcess.Interrupt(process);
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill();
                failures.Add($"{delays[i]} s: still running a minute after the signal");
                continue;
            }

            process.WaitForExit();
            string printed = stdout.Result + stderr.Result;
            bool bare = printed.Split('\n').Any(l => l.TrimEnd() == "Interrupted." || l.TrimEnd().EndsWith(" Interrupted.", StringComparison.Ordinal));
            int folders = Directory.Exists(runs) ? Directory.GetDirectories(runs).Length : 0;
            string? wrong =
                process.ExitCode != ExitCodes.Interrupted ? $"exit {process.ExitCode}"
                : !printed.Contains("Stopping (Ctrl+C): ", StringComparison.Ordinal) ? "no answer"
                : printed.Contains("Exception", StringComparison.Ordinal) ? "a stack trace"
                : printed.Contains("has not started yet", StringComparison.Ordinal) && (folders != 0 || printed.Contains(" starts in ", StringComparison.Ordinal)) ? "the command ran"
                : printed.Contains("training has not begun", StringComparison.Ordinal) && (folders != 0 || !printed.Contains("Interrupted before training began; nothing was trained or saved.", StringComparison.Ordinal)) ? "training began"
                : printed.Contains("training has not begun", StringComparison.Ordinal) && bare ? "two wordings for one moment"
                : printed.Contains("has not started yet", StringComparison.Ordinal) && !bare ? "the start's answer without its end"
                : printed.Contains("saves a resume point", StringComparison.Ordinal) && (folders != 1 || !printed.Contains("Resume with: ", StringComparison.Ordinal)) ? "no resume point"
                : null;
            if (wrong is not null)
            {
                failures.Add($"{delays[i]} s: {wrong}: {printed}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    // An early signal was answered "will not start", then the dashboard's URL was printed anyway, and serve's exit code
    // depended on the moment. Whenever the stop comes, the URL and the exit code now agree: a dashboard
    // that printed its URL served and closes (exit 0); one stopped before it never prints it (exit 130). No timing is
    // asserted: the delays only spread the signals over the start, the dashboard's start and serving.
    [Test]
    public void ServeStoppedAtAnyMoment_PrintsItsUrlOnlyWhenItServed_AndItsExitCodeSaysWhichHappened()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("learns from /proc when the process's signal handler exists");
        }

        var failures = new List<string>();
        var outcomes = new List<string>();
        double[] delays = [0.005, 0.03, 0.07, 0.12, 0.18, 0.25, 0.32, 0.4, 0.5, 0.7, 1.0, 1.5];
        foreach (double delay in delays)
        {
            using Process process = Process.Start(HostProcess.StartInfo(["serve", "--runs", _dir.Combine("runs"), "--Dashboard:Port=0"], _dir.Path))!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            WaitForItsSignalHandler(process);
            Thread.Sleep(TimeSpan.FromSeconds(delay));
            HostProcess.Interrupt(process);
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                failures.Add($"{delay} s: still running a minute after the signal");
                continue;
            }

            process.WaitForExit();
            bool url = stdout.Result.Contains("Dashboard at http://", StringComparison.Ordinal);
            string printed = stdout.Result + stderr.Result;
            string? wrong =
                !printed.Contains("Stopping (Ctrl+C): ", StringComparison.Ordinal) ? "no answer"
                : printed.Contains("Exception", StringComparison.Ordinal) ? "a stack trace"
                : url && (printed.Contains("will not", StringComparison.Ordinal) || !printed.Contains("Stopping (Ctrl+C): the dashboard closes", StringComparison.Ordinal)) ? "a URL, then the answer that it does not serve"
                : url && process.ExitCode != 0 ? $"a URL, and exit {process.ExitCode}"
                : !url && process.ExitCode != ExitCodes.Interrupted ? $"no URL, and exit {process.ExitCode}"
                : !url && printed.Contains("the dashboard closes", StringComparison.Ordinal) ? "no URL, but the answer that it served"
                : null;
            outcomes.Add($"{delay} s: {(url ? "served" : "stopped before")}");
            if (wrong is not null)
            {
                failures.Add($"{delay} s: {wrong}: {printed}");
            }
        }

        TestContext.Out.WriteLine(string.Join("; ", outcomes));
        Assert.That(failures, Is.Empty);
    }

    // The handler is the program's first statement; the runtime's signal thread appears as it registers (before that, the
    // runtime's default ends a process with no line, which no program can change).
    private static void WaitForItsSignalHandler(Process process)
    {
        var waited = Stopwatch.StartNew();
        while (!process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if (Directory.GetDirectories($"/proc/{process.Id}/task").Any(t => File.ReadAllText(Path.Combine(t, "comm")).StartsWith(".NET SigHandler", StringComparison.Ordinal)))
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A thread that ended while listed.
            }

            Thread.Sleep(1);
        }

        Assert.Fail($"the process never registered its signal handler (exited: {process.HasExited})");
    }

    /// <summary>Starts the host, sends <paramref name="signal"/> once a line containing <paramref name="ready"/> is printed, and waits for the end.</summary>
    private (HostResult Result, TimeSpan AfterSignal) SignalOnceReady(string[] args, string ready, int signal)
    {
        using Process process = Process.Start(HostProcess.StartInfo(args, _dir.Path))!;
        var stdout = new System.Text.StringBuilder();
        var seen = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stdout)
            {
                stdout.AppendLine(e.Data);
            }

            if (e.Data.Contains(ready, StringComparison.Ordinal))
            {
                seen.Set();
            }
        };
        process.BeginOutputReadLine();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!seen.Wait(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            Assert.Fail($"never printed '{ready}': {stdout}{stderr.Result}");
        }

        var clock = Stopwatch.StartNew();
        HostProcess.Interrupt(process, signal);
        bool stopped = process.WaitForExit(TimeSpan.FromSeconds(60));
        if (!stopped)
        {
            // Not left running after the test (a signal the test runner was started ignoring, as under nohup, stays ignored).
            process.Kill(entireProcessTree: true);
        }

        Assert.That(stopped, Is.True, "it did not stop");
        process.WaitForExit();
        lock (stdout)
        {
            return (new HostResult(process.ExitCode, stdout.ToString(), stderr.Result), clock.Elapsed);
        }
    }
}
