namespace ScratchNet.Training.Results;

/// <summary>A metric a callback watches (val_loss, val_acc, train_loss) and which direction is better.</summary>
public sealed record MetricMonitor(string Name, bool HigherIsBetter)
{
    public static IReadOnlyList<string> Names { get; } = ["val_loss", "val_acc", "train_loss"];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name.ToLowerInvariant());

    public static MetricMonitor Parse(string name) => name?.ToLowerInvariant() switch
    {
        "val_loss" => new("val_loss", false),
        "val_acc" => new("val_acc", true),
        "train_loss" => new("train_loss", false),
        _ => throw new ArgumentException($"unknown metric '{name}'; valid: {string.Join(", ", Names)}", nameof(name)),
    };

    public double Read(EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return Name switch
        {
            "val_acc" => metrics.ValidationAccuracy,
            "train_loss" => metrics.TrainLoss,
            _ => metrics.ValidationLoss,
        };
    }

    /// <summary>True when <paramref name="value"/> beats <paramref name="best"/> by more than <paramref name="minDelta"/> (any finite value beats NaN).</summary>
    public bool Improves(double value, double best, double minDelta) =>
        double.IsFinite(value) && (double.IsNaN(best) || (HigherIsBetter ? value > best + minDelta : value < best - minDelta));
}
