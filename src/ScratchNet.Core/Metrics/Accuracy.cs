namespace ScratchNet.Core.Metrics;

/// <summary>Arg-max predictions and the share of them that are right.</summary>
public static class Accuracy
{
    // scores: (n, classes) · predictions: (n), overwritten
    /// <summary>predictions[i] = argmax_j scores[i,j]; ties go to the lowest class, as NumPy's argmax does.</summary>
    public static void ArgMax(ReadOnlySpan<float> scores, Span<int> predictions, int n, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        Kernels.Guard.Holds(scores.Length, n, classes, nameof(scores));
        if (predictions.Length < n)
        {
            throw new ArgumentException($"predictions has {predictions.Length} slots, but there are {n} rows", nameof(predictions));
        }

        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = scores.Slice(i * classes, classes);
            int best = 0;
            for (int j = 1; j < classes; j++)
            {
                if (row[j] > row[best])
                {
                    best = j;
                }
            }

            predictions[i] = best;
        }
    }

    // scores: (n, classes) · labels: (n)
    /// <returns>How many rows have their arg-max equal to their label.</returns>
    public static int CountCorrect(ReadOnlySpan<float> scores, ReadOnlySpan<byte> labels, int n, int classes)
    {
        Kernels.Guard.Holds(scores.Length, n, classes, nameof(scores));
        if (labels.Length < n)
        {
            throw new ArgumentException($"labels has {labels.Length} values, but there are {n} rows", nameof(labels));
        }

        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = scores.Slice(i * classes, classes);
            int best = 0;
            for (int j = 1; j < classes; j++)
            {
                if (row[j] > row[best])
                {
                    best = j;
                }
            }

            if (best == labels[i])
            {
                correct++;
            }
        }

        return correct;
    }

    /// <summary>The index of the largest score of one row; ties go to the lowest class, as in <see cref="ArgMax"/>.</summary>
    public static int ArgMaxRow(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }

        return best;
    }
}
