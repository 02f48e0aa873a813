namespace ScratchNet.Core.Metrics;

/// <summary>Counts of (true class, predicted class) pairs: rows are the true class, columns the prediction.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    public ConfusionMatrix(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        Classes = classes;
        _counts = new long[classes * classes];
    }

    public int Classes { get; }

    public long this[int actual, int predicted] => _counts[(actual * Classes) + predicted];

    public long Total { get; private set; }

    public long Correct { get; private set; }

    public double Accuracy => Total == 0 ? 0.0 : (double)Correct / Total;

    public void Add(int actual, int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(actual, Classes);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, Classes);
        _counts[(actual * Classes) + predicted]++;
        Total++;
        if (actual == predicted)
        {
            Correct++;
        }
    }

    // scores: (n, classes) · labels: (n)
    /// <summary>Adds every row's arg-max prediction against its label.</summary>
    public void AddBatch(ReadOnlySpan<float> scores, ReadOnlySpan<byte> labels, int n)
    {
        Kernels.Guard.Holds(scores.Length, n, Classes, nameof(scores));
        Span<int> predictions = n <= 1024 ? stackalloc int[n] : new int[n];
        Metrics.Accuracy.ArgMax(scores, predictions, n, Classes);
        for (int i = 0; i < n; i++)
        {
            Add(labels[i], predictions[i]);
        }
    }

    /// <summary>Of the rows predicted as <paramref name="classIndex"/>, the share that truly are.</summary>
    public double Precision(int classIndex)
    {
        long predicted = 0;
        for (int a = 0; a < Classes; a++)
        {
            predicted += this[a, classIndex];
        }

        return predicted == 0 ? 0.0 : (double)this[classIndex, classIndex] / predicted;
    }

    /// <summary>Of the rows that truly are <paramref name="classIndex"/>, the share predicted so.</summary>
    public double Recall(int classIndex)
    {
        long actual = 0;
        for (int p = 0; p < Classes; p++)
        {
            actual += this[classIndex, p];
        }

        return actual == 0 ? 0.0 : (double)this[classIndex, classIndex] / actual;
    }
}
