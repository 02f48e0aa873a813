namespace ScratchNet.Training.Reports;

/// <summary>A validation row the model got wrong, with how sure it was.</summary>
/// <param name="Row">Index into the split.</param>
/// <param name="Confidence">The probability given to <paramref name="Predicted"/>.</param>
public sealed record Misclassification(int Row, int Label, int Predicted, float Confidence);

/// <summary>Finds the rows the model is most confidently wrong about: the first place to look for label noise or a systematic confusion.</summary>
public static class Misclassified
{
    // probabilities: (n, classes) · labels: (n)
    /// <returns>Up to <paramref name="count"/> wrong rows, most confident first (ties by row, so the order is stable).</returns>
    public static IReadOnlyList<Misclassification> MostConfident(ReadOnlySpan<float> probabilities, ReadOnlySpan<byte> labels, int classes, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int n = labels.Length;
        if (probabilities.Length < n * classes)
        {
            throw new ArgumentException($"probabilities has {probabilities.Length} values, but {n} rows of {classes} classes need {n * classes}", nameof(probabilities));
        }

        var wrong = new List<Misclassification>();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = probabilities.Slice(i * classes, classes);
            int best = Core.Metrics.Accuracy.ArgMaxRow(row);

            if (best != labels[i])
            {
                wrong.Add(new Misclassification(i, labels[i], best, row[best]));
            }
        }

        return wrong.OrderByDescending(m => m.Confidence).ThenBy(m => m.Row).Take(count).ToArray();
    }
}
