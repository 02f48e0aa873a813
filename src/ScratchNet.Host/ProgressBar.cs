using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using ScratchNet.Training.Callbacks;

namespace ScratchNet.Host;

/// <summary>
/// A one-line progress bar for interactive terminals: batches done, running train loss and the epoch's
/// ETA, redrawn at most ten times a second in place with a carriage return, and erased after the last
/// batch so the epoch's log line stands alone. A plain line, not a Spectre.Console live display, so it
/// never fights Serilog's console sink for the terminal.
/// </summary>
public sealed class ProgressBar : ITrainingCallback
{
    private const int Width = 30;
    private static readonly long RedrawTicks = Stopwatch.Frequency / 10;
    private readonly TextWriter _out;
    private readonly Stopwatch _clock = new();
    private long _lastDraw;
    private double _lossSum;
    private int _losses;
    private int _firstBatch = -1;

    public ProgressBar(IOptions<ProgressOptions> options)
        : this(Console.Out, options?.Value.Enabled == true && IsInteractive())
    {
    }

    public ProgressBar(TextWriter output, bool enabled)
    {
        _out = output;
        Enabled = enabled;
    }

    public bool Enabled { get; }

    /// <summary>A terminal a person watches: output not redirected, and not a CI job (CI is set by GitHub Actions, GitLab, …).</summary>
    public static bool IsInteractive() =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public void OnEpochBegin(TrainingContext context, int epoch)
    {
        _clock.Restart();
        _lastDraw = -RedrawTicks;
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
        _firstBatch = _firstBatch < 0 ? batch : _firstBatch;
        _lossSum += loss;
        _losses++;
        int total = context.BatchesPerEpoch;
        if (batch == total - 1)
        {
            _out.Write("\r\u001b[2K");
            _out.Flush();
            return;
        }

        long now = _clock.ElapsedTicks;
        if (now - _lastDraw < RedrawTicks)
        {
            return;
        }

        _lastDraw = now;
        _out.Write('\r');
        _out.Write(Format(epoch, context.Epochs, batch + 1, total, _lossSum / _losses, Eta(batch, total)));
        _out.Flush();
    }

    /// <summary>The bar's text, e.g. <c>epoch 3/20 [#########.....................] 312/938 loss 0.1234 ETA 0:04</c>.</summary>
    public static string Format(int epoch, int epochs, int done, int total, double loss, TimeSpan eta)
    {
        int filled = total == 0 ? Width : (int)((long)done * Width / total);
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch}/{epochs} [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} loss {loss:F4} ETA {(int)eta.TotalMinutes}:{eta.Seconds:D2}");
    }

    private TimeSpan Eta(int batch, int total)
    {
        int done = batch + 1 - _firstBatch;
        return done <= 0 ? TimeSpan.Zero : _clock.Elapsed / done * (total - batch - 1);
    }
}
