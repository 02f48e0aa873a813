using System.Globalization;
using Microsoft.Extensions.Options;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Options;
using ScratchNet.Training.Reports;

namespace ScratchNet.Host.Progress;

/// <summary>
/// A one-line progress bar for interactive terminals: batches done, running train loss, samples per second
/// and the ETA of the whole run, redrawn at most ten times a second in place with a carriage return, and
/// erased after the last batch so the epoch's log line stands alone. A plain line, not a Spectre.Console live
/// display, so it never fights Serilog's console sink for the terminal; it is drawn on the <see cref="ProgressLine"/>,
/// which any other console line, on stdout or stderr, erases first. It is kept narrower than the terminal (a line
/// that wrapped could not be redrawn in place) and drawn and erased with carriage returns and spaces only, no escape
/// codes, so a dumb terminal (TERM=dumb, an editor's shell) shows it as cleanly as any other.
/// </summary>
public sealed class ProgressBar : ITrainingCallback
{
    private const int Width = 30;

    /// <summary>The narrowest bar drawn; where even that does not fit, the line goes without one.</summary>
    private const int MinWidth = 10;

    private static readonly TimeSpan RedrawEvery = TimeSpan.FromSeconds(0.1);
    private readonly ProgressLine _line;
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
        : this(ProgressLine.Console ?? new ProgressLine(Console.Out, ProgressLine.TerminalColumns), options?.Value.Enabled == true && IsInteractive(), training?.Value.BatchSize ?? 0)
    {
    }

    /// <param name="columns">The terminal's width, read at each redraw (a window can be resized); null: 80.</param>
    public ProgressBar(TextWriter output, bool enabled, int batchSize, TimeProvider? clock = null, Func<int>? columns = null)
        : this(new ProgressLine(output, columns), enabled, batchSize, clock)
    {
    }

    /// <param name="line">Where the bar is drawn: the line every other console write erases first.</param>
    /// <param name="batchSize">Rows per batch, for samples/s.</param>
    /// <param name="clock">Null: the system clock.</param>
    public ProgressBar(ProgressLine line, bool enabled, int batchSize, TimeProvider? clock = null)
    {
        _line = line ?? throw new ArgumentNullException(nameof(line));
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
            _line.Erase();
            return;
        }

        if (_clock.GetElapsedTime(_lastDraw, now) < RedrawEvery)
        {
            return;
        }

        double samplesPerSecond = timedBatches > 0 && timedTime > TimeSpan.Zero ? (double)timedBatches * _batchSize / timedTime.TotalSeconds : double.NaN;
        string line = Format(epoch, context.Epochs, batch + 1, total, _lossSum / _losses, samplesPerSecond, RunEta(context, epoch, batch, timedTime, timedBatches), _line.Width);

        // Not drawn while another line is unfinished: the next batch tries again.
        if (_line.Draw(line))
        {
            _lastDraw = now;
        }
    }

    /// <summary>
    /// The bar's text, e.g. <c>epoch 3/20 [#########.....................] 312/938 loss 0.1234 185,000 samples/s run ETA 0:42</c>.
    /// The bar is drawn only while work is left, so a known ETA is rounded up and never reads 0:00; an unknown one is --:--.
    /// Within <paramref name="width"/> characters: the least telling parts go first, samples/s, then the bar (narrowed, then
    /// left out), the ETA and the loss, leaving <c>epoch 3/20 312/938</c> (cut short only where even that does not fit).
    /// The batch count takes as many digits as the epoch's last (<c> 12/938</c>), so what fits stays the same all through an
    /// epoch: a growing count does not push the loss out and back.
    /// </summary>
    public static string Format(int epoch, int epochs, int done, int total, double loss, double samplesPerSecond, TimeSpan? eta, int width = int.MaxValue)
    {
        string position = string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs}");
        string totalText = total.ToString(CultureInfo.InvariantCulture);
        string count = $"{done.ToString(CultureInfo.InvariantCulture).PadLeft(totalText.Length)}/{totalText}";
        string lossText = $"loss {ReadableNumbers.Fixed(loss)}";
        string speed = $"{(double.IsFinite(samplesPerSecond) ? samplesPerSecond.ToString("N0", CultureInfo.InvariantCulture) : "-")} samples/s";
        string etaText = $"run ETA {FormatEta(eta)}";
        string Bar(int cells)
        {
            int filled = total == 0 ? cells : (int)((long)done * cells / total);
            return $"[{new string('#', filled)}{new string('.', cells - filled)}]";
        }

        string full = string.Join(' ', position, Bar(Width), count, lossText, speed, etaText);
        if (full.Length <= width)
        {
            return full;
        }

        int cells = Math.Min(Width, width - string.Join(' ', position, Bar(0), count, lossText, etaText).Length);
        if (cells >= MinWidth)
        {
            return string.Join(' ', position, Bar(cells), count, lossText, etaText);
        }

        string[] shorter = [string.Join(' ', position, count, lossText, etaText), string.Join(' ', position, count, lossText), string.Join(' ', position, count)];
        return shorter.FirstOrDefault(line => line.Length <= width) ?? shorter[^1][..Math.Max(0, width)];
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
