using System.Globalization;
using Microsoft.Extensions.Options;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Options;

namespace ScratchNet.Host;

/// <summary>
/// A one-line progress bar for interactive terminals: batches done, running train loss, samples per second
/// and the ETA of the whole run, redrawn at most ten times a second in place with a carriage return, and
/// erased after the last batch so the epoch's log line stands alone. A plain line, not a Spectre.Console live
/// display, so it never fights Serilog's console sink for the terminal.
/// </summary>
public sealed class ProgressBar : ITrainingCallback
{
    private const int Width = 30;
    private static readonly TimeSpan RedrawEvery = TimeSpan.FromSeconds(0.1);
    private readonly TextWriter _out;
    private readonly int _batchSize;
    private readonly TimeProvider _clock;
    private long _lastDraw;
    private double _lossSum;
    private int _losses;
    private int _firstBatch = -1;

    // Timing starts when the epoch's first batch ends, so the first batch of a run (JIT compilation, cold caches)
    // does not stretch every estimate after it.
    private long _timedFrom;

    // Timed batches and their time in the epochs finished in this process (a resumed run measures only its own).
    private TimeSpan _trainedTime;
    private long _trainedBatches;

    public ProgressBar(IOptions<ProgressOptions> options, IOptions<TrainingOptions> training)
        : this(Console.Out, options?.Value.Enabled == true && IsInteractive(), training?.Value.BatchSize ?? 0)
    {
    }

    /// <param name="batchSize">Rows per batch, for samples/s.</param>
    /// <param name="clock">Null: the system clock.</param>
    public ProgressBar(TextWriter output, bool enabled, int batchSize, TimeProvider? clock = null)
    {
        _out = output;
        Enabled = enabled;
        _batchSize = batchSize;
        _clock = clock ?? TimeProvider.System;
    }

    public bool Enabled { get; }

    /// <summary>A terminal a person watches: output not redirected, and not a CI job (CI is set by GitHub Actions, GitLab, …).</summary>
    public static bool IsInteractive() =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public void OnEpochBegin(TrainingContext context, int epoch)
    {
        _lossSum = 0;
        _losses = 0;
        _firstBatch = -1;
    }

    public void OnBatchEnd(TrainingContext context, int epoch, int batch, float loss)
    {
        if (!Enabled)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(context);
        long now = _clock.GetTimestamp();
        if (_firstBatch < 0)
        {
            _firstBatch = batch;
            _timedFrom = now;
            _lastDraw = now - (long)(RedrawEvery.TotalSeconds * _clock.TimestampFrequency);
        }

        _lossSum += loss;
        _losses++;
        int total = context.BatchesPerEpoch;
        int timedBatches = batch - _firstBatch;
        TimeSpan timedTime = _clock.GetElapsedTime(_timedFrom, now);
        if (batch == total - 1)
        {
            _trainedTime += timedTime;
            _trainedBatches += timedBatches;
            _out.Write("\r\u001b[2K");
            _out.Flush();
            return;
        }

        if (_clock.GetElapsedTime(_lastDraw, now) < RedrawEvery)
        {
            return;
        }

        _lastDraw = now;
        double samplesPerSecond = timedBatches > 0 && timedTime > TimeSpan.Zero ? (double)timedBatches * _batchSize / timedTime.TotalSeconds : double.NaN;
        _out.Write('\r');
        _out.Write(Format(epoch, context.Epochs, batch + 1, total, _lossSum / _losses, samplesPerSecond, RunEta(context, epoch, batch, timedTime, timedBatches)));
        _out.Flush();
    }

    /// <summary>
    /// The bar's text, e.g. <c>epoch 3/20 [#########.....................] 312/938 loss 0.1234 185,000 samples/s run ETA 0:42</c>.
    /// The bar is drawn only while work is left, so a known ETA is rounded up and never reads 0:00; an unknown one is --:--.
    /// </summary>
    public static string Format(int epoch, int epochs, int done, int total, double loss, double samplesPerSecond, TimeSpan? eta)
    {
        int filled = total == 0 ? Width : (int)((long)done * Width / total);
        string speed = double.IsFinite(samplesPerSecond) ? samplesPerSecond.ToString("N0", CultureInfo.InvariantCulture) : "-";
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch}/{epochs} [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} loss {loss:F4} {speed} samples/s run ETA {FormatEta(eta)}");
    }

    /// <summary>m:ss (h:mm:ss from an hour on), whole seconds rounded up and at least 0:01; null is --:--.</summary>
    public static string FormatEta(TimeSpan? eta)
    {
        if (eta is not { } left || left < TimeSpan.Zero)
        {
            return "--:--";
        }

        long seconds = Math.Max(1, (long)Math.Ceiling(left.TotalSeconds));
        long minutes = seconds / 60;
        return minutes >= 60
            ? string.Create(CultureInfo.InvariantCulture, $"{minutes / 60}:{minutes % 60:D2}:{seconds % 60:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes}:{seconds % 60:D2}");
    }

    /// <summary>
    /// The rest of this epoch and every later one at the mean time per batch measured so far in this process,
    /// plus one held-out evaluation per epoch left at the last epoch's evaluation time (none known: none counted).
    /// </summary>
    private TimeSpan? RunEta(TrainingContext context, int epoch, int batch, TimeSpan timedTime, int timedBatches)
    {
        long batches = _trainedBatches + timedBatches;
        if (batches <= 0)
        {
            return null;
        }

        TimeSpan perBatch = (_trainedTime + timedTime) / batches;
        long batchesLeft = context.BatchesPerEpoch - (batch + 1) + ((long)(context.Epochs - epoch) * context.BatchesPerEpoch);
        double evaluation = context.History.Count > 0 ? context.History[^1].EvaluationSeconds : 0;
        return (perBatch * batchesLeft) + TimeSpan.FromSeconds(evaluation * (context.Epochs - epoch + 1));
    }
}
