namespace ScratchNet.Training.Reports;

/// <summary>A validation row the model got wrong, with how sure it was.</summary>
/// <param name="Row">Index into the split.</param>
/// <param name="Confidence">The probability given to <paramref name="Predicted"/>.</param>
public readonly record struct Misclassification(int Row, int Label, int Predicted, float Confidence);

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

        var worst = new WorstMistakes(count);
        worst.Add(probabilities, labels, 0, classes);
        return worst.Result();
    }
}
