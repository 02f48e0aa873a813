using ScratchNet.Dashboard.Options;

namespace ScratchNet.Dashboard.Live;

/// <summary>
/// How often a run reports, in steps (batches counted over the whole run, across epochs): a loss point every
/// <see cref="LossEvery"/> steps and the per-layer statistics every <see cref="StatisticsEvery"/>. The configured
/// intervals are capped by the epoch's length, so a short epoch still shows learning: at most a tenth of an epoch
/// between loss points (about 10 an epoch) and half an epoch between measurements (about 2 an epoch). The reference
/// recipe's 1,750-batch epochs keep the configured 50 and 500.
/// </summary>
public sealed record ReportingIntervals(int LossEvery, int StatisticsEvery)
{
    /// <summary>LossEvery = min(LossEveryBatches, max(1, ⌊B/10⌋)); StatisticsEvery = min(StatisticsEveryBatches, max(2, ⌊B/2⌋)), B the batches an epoch.</summary>
    public static ReportingIntervals For(DashboardOptions options, int batchesPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchesPerEpoch);

        // A measurement compares the weights of two consecutive steps, hence at least 2.
        return new(
            Math.Min(options.LossEveryBatches, Math.Max(1, batchesPerEpoch / 10)),
            Math.Min(options.StatisticsEveryBatches, Math.Max(2, batchesPerEpoch / 2)));
    }
}
