using ScratchNet.Host.Progress;
using Moq;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Host.Tests.Progress;

public class ProgressBarTests
{
    [Test]
    public void ProgressBar_DrawsBatchesLossSpeedAndRunEta_ThenErasesItselfAfterTheLastBatch()
    {
        Assert.That(ProgressBar.Format(3, 20, 469, 938, 0.12345, 184_999.6, TimeSpan.FromSeconds(64)),
            Is.EqualTo("epoch 3/20 [###############...............] 469/938 loss 0.1235 185,000 samples/s run ETA 1:04"));
        var output = new StringWriter();
        var bar = new ProgressBar(output, enabled: true, batchSize: 32, new SteppingClock(TimeSpan.FromSeconds(1)), columns: () => 120);
        TrainingContext context = Context(epochs: 1, batches: 3);
        bar.OnEpochBegin(context, 1);
        for (int b = 0; b < 3; b++)
        {
            bar.OnBatchEnd(context, 1, b, 0.5f);
        }

        const string drawn = "epoch 1/1 [##########....................] 1/3 loss 0.5000 - samples/s run ETA --:--";
        Assert.That(output.ToString(), Does.StartWith($"\r{drawn}\r"));
        Assert.That(output.ToString(), Does.EndWith($"\r{new string(' ', drawn.Length)}\r"), "spaces over the whole line, then back to its start");
    }

    [Test]
    public void ProgressBar_SendsNoEscapeCodes_SoADumbTerminalShowsItCleanly()
    {
        // TERM=dumb, an editor's shell: ESC[2K would print as garbage there. A shorter line is covered with spaces instead.
        var output = new StringWriter();
        var bar = new ProgressBar(output, enabled: true, batchSize: 32, new SteppingClock(TimeSpan.FromSeconds(1)), columns: () => 120);
        TrainingContext context = Context(epochs: 1, batches: 5);
        bar.OnEpochBegin(context, 1);
        for (int b = 0; b < 5; b++)
        {
            bar.OnBatchEnd(context, 1, b, b < 2 ? 10.5f : 0.5f);
        }

        Assert.That(output.ToString(), Does.Not.Contain("\u001b"));
        string[] draws = output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(draws.Zip(draws.Skip(1)).All(p => p.Second.Length >= p.First.TrimEnd().Length), Is.True, "each draw covers the one before: " + string.Join(" | ", draws));
    }

    [TestCase(40)]
    [TestCase(60)]
    [TestCase(80)]
    [TestCase(100)]
    public void ProgressBar_FitsTheTerminal_SoItNeverWrapsIntoDebris(int columns)
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, enabled: true, batchSize: 32, new SteppingClock(TimeSpan.FromSeconds(1)), columns: () => columns);
        TrainingContext context = Context(epochs: 20, batches: 1750);
        bar.OnEpochBegin(context, 1);
        for (int b = 0; b < 900; b++)
        {
            bar.OnBatchEnd(context, 1, b, 1.4910f);
        }

        string[] draws = output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(draws, Is.Not.Empty);
        Assert.That(draws.Max(d => d.Length), Is.LessThan(columns), "one column is left free: a line that fills the last one wraps on some terminals");
        Assert.That(draws[^1], Does.StartWith("epoch 1/20 ").And.Contain("/1750").And.Contain("loss 1.4910"));
    }

    [Test]
    public void Format_DropsTheLeastTellingPartsFirst_WhenTheLineIsTooWide()
    {
        string Line(int width) => ProgressBar.Format(1, 1, 877, 1750, 1.4910, 280_246, TimeSpan.FromSeconds(1), width);

        Assert.That(Line(200), Is.EqualTo("epoch 1/1 [###############...............]  877/1750 loss 1.4910 280,246 samples/s run ETA 0:01"), "the count as wide as the epoch's last");
        Assert.That(Line(80), Is.EqualTo("epoch 1/1 [###############...............]  877/1750 loss 1.4910 run ETA 0:01"), "samples/s goes first");
        Assert.That(Line(60), Is.EqualTo("epoch 1/1 [######.......]  877/1750 loss 1.4910 run ETA 0:01"), "then the bar narrows");
        Assert.That(Line(50), Is.EqualTo("epoch 1/1  877/1750 loss 1.4910 run ETA 0:01"), "and goes");
        Assert.That(Line(39), Is.EqualTo("epoch 1/1  877/1750 loss 1.4910"), "then the ETA");
        Assert.That(Line(25), Is.EqualTo("epoch 1/1  877/1750"), "then the loss");
        Assert.That(Line(12), Is.EqualTo("epoch 1/1  8"), "cut short only where nothing else is left");
    }

    [TestCase(30)]
    [TestCase(40)]
    [TestCase(45)]
    public void ProgressBar_ShowsTheSamePartsAllThroughAnEpoch_AsTheCountGrows(int columns)
    {
        // At 30 columns "epoch 4/30 9/1750 loss 0.3591" fitted and "epoch 4/30 10/1750 loss 0.3591" did not: the loss
        // vanished at batch 10 and came back with the next epoch.
        var output = new StringWriter();
        var bar = new ProgressBar(output, enabled: true, batchSize: 32, new SteppingClock(TimeSpan.FromSeconds(1)), columns: () => columns);
        TrainingContext context = Context(epochs: 30, batches: 1750);
        bar.OnEpochBegin(context, 4);
        for (int b = 0; b < 1749; b++)
        {
            bar.OnBatchEnd(context, 4, b, 0.3591f);
        }

        string[] draws = output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(d => d.TrimEnd()).ToArray();
        string Parts(string draw) => string.Concat(draw.Contains('[') ? "bar " : "", draw.Contains("loss") ? "loss " : "", draw.Contains("ETA") ? "eta" : "");
        Assert.That(draws.Select(Parts).Distinct(), Has.Exactly(1).Items, $"first: {draws[0]} | last: {draws[^1]}");
    }

    [Test]
    public void ProgressBar_EtaCoversEveryEpochLeft_AndSpeedIsRowsPerSecond()
    {
        // Every clock reading is one second after the last. Timing starts as the first batch ends (it carries the JIT warm-up).
        var output = new StringWriter();
        var bar = new ProgressBar(output, enabled: true, batchSize: 32, new SteppingClock(TimeSpan.FromSeconds(1)), columns: () => 120);
        TrainingContext context = Context(epochs: 2, batches: 10);
        bar.OnEpochBegin(context, 1);
        bar.OnBatchEnd(context, 1, 0, 0.5f);
        bar.OnBatchEnd(context, 1, 1, 0.5f);

        // 1 timed batch in 1 s: 32 rows/s; 8 batches left in this epoch and 10 in the next: 18 s, not this epoch's 8.
        Assert.That(output.ToString().TrimEnd(), Does.EndWith(" 32 samples/s run ETA 0:18"));
    }

    [Test]
    public void ProgressBar_EtaNeverReadsZero_WhileWorkIsLeft()
    {
        Assert.That(ProgressBar.FormatEta(TimeSpan.FromMilliseconds(1)), Is.EqualTo("0:01"));
        Assert.That(ProgressBar.FormatEta(TimeSpan.Zero), Is.EqualTo("0:01"));
        Assert.That(ProgressBar.FormatEta(TimeSpan.FromSeconds(59.2)), Is.EqualTo("1:00"));
        Assert.That(ProgressBar.FormatEta(TimeSpan.FromSeconds(3725)), Is.EqualTo("1:02:05"));
        Assert.That(ProgressBar.FormatEta(null), Is.EqualTo("--:--"));

        // The second-to-last batch of the last epoch leaves one batch of 0.2 s: rounded down, that would read 0:00.
        var output = new StringWriter();
        var bar = new ProgressBar(output, enabled: true, batchSize: 32, new SteppingClock(TimeSpan.FromMilliseconds(200)), columns: () => 120);
        TrainingContext context = Context(epochs: 1, batches: 1000);
        bar.OnEpochBegin(context, 1);
        for (int b = 0; b < 999; b++)
        {
            bar.OnBatchEnd(context, 1, b, 0.5f);
        }

        string last = output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries)[^1].TrimEnd();
        Assert.That(last, Does.StartWith("epoch 1/1 [#############################.]  999/1000"));
        Assert.That(last, Does.EndWith("run ETA 0:01"));
    }

    [Test]
    public void ProgressBar_WritesNothing_WhenDisabled()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, enabled: false, batchSize: 32);
        bar.OnBatchEnd(null!, 1, 0, 0.5f);
        Assert.That(output.ToString(), Is.Empty);
    }

    private static TrainingContext Context(int epochs, int batches) =>
        new(ScratchNet.Core.Layers.Sequential.Mlp([2, 2], "relu", "zeros", 1, 1), Mock.Of<IOptimizer>(),
            new ScratchNet.Data.Dataset("d", null!, null!, []), epochs, batches);

    /// <summary>A clock that moves on by a fixed step every time it is read.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks += step.Ticks;
    }
}
