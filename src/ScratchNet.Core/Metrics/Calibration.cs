namespace ScratchNet.Core.Metrics;

/// <summary>One confidence bin of a reliability diagram.</summary>
/// <param name="Lower">Exclusive lower edge (the first bin also takes confidence 0).</param>
/// <param name="Upper">Inclusive upper edge.</param>
/// <param name="Count">Rows whose confidence falls in the bin.</param>
/// <param name="MeanConfidence">Mean top-class probability of those rows (0 when empty).</param>
/// <param name="Accuracy">Share of those rows predicted right (0 when empty).</param>
public sealed record CalibrationBin(double Lower, double Upper, long Count, double MeanConfidence, double Accuracy);

/// <summary>Expected calibration error and its bins.</summary>
public sealed record CalibrationResult(double ExpectedCalibrationError, IReadOnlyList<CalibrationBin> Bins);

/// <summary>How far a classifier's confidence is from its accuracy (Guo et al. 2017, "On Calibration of Modern Neural Networks").</summary>
public static class Calibration
{
    /// <summary>15 equal-width bins, as Guo et al. use; the number is part of the metric, so reports name it.</summary>
    public const int DefaultBins = 15;

    // probabilities: (n, classes), rows summing to 1 · labels: (n)
    /// <remarks>
    /// Confidence of row i is c_i = max_j p[i,j], its prediction the arg-max (ties to the lowest class).
    /// Bin b holds the rows with c_i in (b/B, (b+1)/B] (confidence 0 goes to bin 0).
    /// ECE = Σ_b (|B_b| / n) · |acc(B_b) − conf(B_b)|.
    /// </remarks>
    public static CalibrationResult ExpectedCalibrationError(ReadOnlySpan<float> probabilities, ReadOnlySpan<byte> labels, int n, int classes, int bins = DefaultBins)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        Kernels.Guard.Holds(probabilities.Length, n, classes, nameof(probabilities));
        if (labels.Length < n)
        {
            throw new ArgumentException($"labels has {labels.Length} values, but there are {n} rows", nameof(labels));
        }

        var counts = new long[bins];
        var confidenceSums = new double[bins];
        var correct = new long[bins];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = probabilities.Slice(i * classes, classes);
            int best = Accuracy.ArgMaxRow(row);

            double confidence = Math.Clamp(row[best], 0f, 1f);

            // Upper edges are inclusive: ceil(c·B) − 1 puts c = 1/15 in bin 0 and c = 1 in the last bin.
            int b = Math.Clamp((int)Math.Ceiling(confidence * bins) - 1, 0, bins - 1);
            counts[b]++;
            confidenceSums[b] += confidence;
            if (best == labels[i])
            {
                correct[b]++;
            }
        }

        var result = new CalibrationBin[bins];
        double ece = 0.0;
        for (int b = 0; b < bins; b++)
        {
            double meanConfidence = counts[b] == 0 ? 0.0 : confidenceSums[b] / counts[b];
            double accuracy = counts[b] == 0 ? 0.0 : (double)correct[b] / counts[b];
            result[b] = new CalibrationBin((double)b / bins, (double)(b + 1) / bins, counts[b], meanConfidence, accuracy);
            if (n > 0)
            {
                ece += (double)counts[b] / n * Math.Abs(accuracy - meanConfidence);
            }
        }

        return new CalibrationResult(ece, result);
    }
}
