using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Schedules;

/// <summary>
/// The built-in schedules. A linear warm-up over the first <see cref="WarmupEpochs"/> (W) epochs, counted in
/// batches, precedes each of them: step s (0-based over the run) gets η · (s + 1) / (W · batches), so the last
/// warm-up step trains at η. The schedule proper then runs over the epochs after the warm-up, e = epoch − W
/// (1-based), as torch's SequentialLR(LinearLR → scheduler, milestones=[W]) does:
/// <list type="bullet">
/// <item>constant: η</item>
/// <item>step: η · γ^⌊(e − 1) / StepSize⌋ (torch.optim.lr_scheduler.StepLR)</item>
/// <item>exponential: η · γ^(e − 1) (ExponentialLR)</item>
/// <item>cosine: η_min + (η − η_min) · (1 + cos(π·p)) / 2 with p the share of the post-warm-up batches done,
/// updated every batch (CosineAnnealingLR over steps)</item>
/// <item>plateau: η · f^k, where k counts the times the monitored metric failed to improve by MinDelta for
/// more than Patience epochs after the warm-up, never below η_min (ReduceLROnPlateau, absolute threshold, no
/// cooldown). Warm-up epochs are not watched: their rate is still rising, so a stall then says nothing.</item>
/// </list>
/// </summary>
public sealed class LearningRateSchedule : ILearningRateSchedule
{
    public static IReadOnlyList<string> Names { get; } = ["constant", "step", "exponential", "cosine", "plateau"];

    private readonly ScheduleOptions _options;
    private readonly int _epochs;
    private readonly MetricMonitor? _monitor;
    private double _best = double.NaN;
    private int _badEpochs;
    private int _reductions;

    /// <param name="options">The schedule's settings.</param>
    /// <param name="epochs">Training:Epochs, the length cosine anneals over.</param>
    public LearningRateSchedule(ScheduleOptions options, int epochs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WarmupEpochs);
        if (!IsKnown(options.Name))
        {
            throw new ArgumentException($"unknown schedule '{options.Name}'; valid: {string.Join(", ", Names)}", nameof(options));
        }

        _options = options;
        _epochs = epochs;
        Name = options.Name.ToLowerInvariant();
        if (Name == "plateau")
        {
            _monitor = MetricMonitor.Parse(options.Monitor);
        }
    }

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name.ToLowerInvariant());

    public string Name { get; }

    public int WarmupEpochs => _options.WarmupEpochs;

    public float RateFor(float baseRate, int epoch, int batch, int batchesPerEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchesPerEpoch);
        long step = ((long)(epoch - 1) * batchesPerEpoch) + batch;
        long warmupSteps = (long)WarmupEpochs * batchesPerEpoch;

        // The optimizer refuses a rate of 0; the first warm-up step and the cosine floor stay just above it.
        if (step < warmupSteps)
        {
            double warmup = (step + 1) / (double)warmupSteps;
            return (float)Math.Max(baseRate * warmup, float.Epsilon);
        }

        int after = epoch - WarmupEpochs;
        double min = _options.MinLearningRate;
        double rate = Name switch
        {
            "step" => baseRate * Math.Pow(_options.Gamma, (after - 1) / _options.StepSize),
            "exponential" => baseRate * Math.Pow(_options.Gamma, after - 1),
            "cosine" => Cosine(baseRate, min, step - warmupSteps, ((long)_epochs * batchesPerEpoch) - warmupSteps),
            "plateau" => Math.Max(min, baseRate * Math.Pow(_options.Factor, _reductions)),
            _ => baseRate,
        };

        return (float)Math.Max(rate, float.Epsilon);
    }

    public void OnEpochEnd(EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_monitor is null || metrics.Epoch <= WarmupEpochs)
        {
            return;
        }

        double value = _monitor.Read(metrics);
        if (_monitor.Improves(value, _best, _options.MinDelta))
        {
            _best = value;
            _badEpochs = 0;
        }
        else if (++_badEpochs > _options.Patience)
        {
            _reductions++;
            _badEpochs = 0;
        }
    }

    public void SaveTo(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.Scalars["schedule.best"] = _best;
        checkpoint.Scalars["schedule.bad_epochs"] = _badEpochs;
        checkpoint.Scalars["schedule.reductions"] = _reductions;
    }

    public void RestoreFrom(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        _best = checkpoint.Scalars.GetValueOrDefault("schedule.best", double.NaN);
        _badEpochs = (int)checkpoint.Scalars.GetValueOrDefault("schedule.bad_epochs");
        _reductions = (int)checkpoint.Scalars.GetValueOrDefault("schedule.reductions");
    }

    private static double Cosine(double baseRate, double min, long annealed, long annealSteps)
    {
        if (annealSteps <= 0)
        {
            return baseRate;
        }

        double progress = Math.Min(1.0, annealed / (double)annealSteps);
        return min + ((baseRate - min) * (1.0 + Math.Cos(Math.PI * progress)) / 2.0);
    }
}
