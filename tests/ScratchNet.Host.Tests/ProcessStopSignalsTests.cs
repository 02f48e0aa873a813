using ScratchNet.Core.Layers;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Models;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests;

/// <summary>
/// Every command ends on Ctrl+C, SIGTERM, SIGQUIT and SIGHUP as train does, through the built executable: the first
/// signal is answered at once with what the command does now, the work stops at its next step, chunk or image, nothing
/// half-done is printed, and the exit code is 130; serve, whose work is waiting, ends cleanly (exit 0) on each of them.
/// </summary>
[Category("Integration")]
public sealed class ProcessStopSignalsTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void Diagnose_StopsAtItsNextStepOnCtrlC_AnswersAtOnce_AndPrintsNoTable()
    {
        // A learning rate this small never memorises the batch, so without a stop the steps run for minutes. The activation
        // statistics are the last lines before them; the signal lands a second later, among the steps.
        string[] data = SyntheticIdx.Write(_dir.Combine("idx"), trainRows: 200, testRows: 50);
        string[] args = ["diagnose", .. data, "--steps", "10000000", "--Optimizer:LearningRate=1e-9"];

        HostResult result = HostProcess.SignalWhen(args, _dir.Path, line => line.Contains("Activation ", StringComparison.Ordinal), HostProcess.SigInt, TimeSpan.FromSeconds(15), settle: TimeSpan.FromSeconds(1));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted), result.ToString());
        Assert.That(result.Stderr, Does.Contain("Stopping (Ctrl+C): diagnose stops at its next step and prints no table"), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("Diagnostics at initialisation").And.Not.Contain("Overfit one batch"), "no table, no overfit verdict from steps cut short");
        HostAssert.NoStackTrace(result);
    }

    [Test]
    public void Evaluate_StopsAfterTheChunkItIsScoringOnCtrlC_AndPrintsNoResult()
    {
        // 20,000 held-out rows through a wide network in chunks of 50: seconds of work, stopped after one chunk.
        string idx = _dir.Combine("idx");
        SyntheticIdx.Write(idx, trainRows: 100, testRows: 20_000);
        string model = _dir.Combine("wide.snm");
        ModelFile.Save(SavedModel.FromNetwork(Sequential.Mlp([64, 2048, 2048, 10], "relu", "he_normal", 9, 1), new Dictionary<string, string> { ["Data:Dataset"] = "idx", ["Data:Split"] = "official" }, null), model, ModelFormat.Native);
        string[] args = ["evaluate", "--model", model, "--Data:Dataset=idx", $"--Data:Directory={idx}", "--Data:Split=official", "--Training:EvaluationBatchSize=50"];

        HostResult result = HostProcess.SignalWhen(args, _dir.Path, line => line.Contains("Loaded idx", StringComparison.Ordinal), HostProcess.SigInt, TimeSpan.FromSeconds(15));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted), result.ToString());
        Assert.That(result.Stderr, Does.Contain("Stopping (Ctrl+C): evaluate stops after the chunk of images it is scoring and prints no result"), result.ToString());
        Assert.That(result.Stdout, Does.Not.Contain("accuracy=").And.Not.Contain("Confusion matrix"), "the score of part of the split is not the model's");
        HostAssert.NoStackTrace(result);
    }

    [TestCase(HostProcess.SigHup)]
    [TestCase(HostProcess.SigTerm)]
    public void Serve_EndsCleanly_WhenItsTerminalClosesAsWhenItIsAskedToStop(int signal)
    {
        // By default SIGHUP killed the process: exit 129, which no table lists.
        string[] args = ["serve", "--runs", _dir.Combine("runs"), "--Dashboard:Port=0"];

        HostResult result = HostProcess.SignalWhen(args, _dir.Path, line => line.Contains("Serving the runs", StringComparison.Ordinal), signal, TimeSpan.FromSeconds(15));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("Stopping").And.Not.Contain("Interrupted"), "serve stops at once: nothing to wait for, nothing to explain");
        HostAssert.NoStackTrace(result);
    }
}
