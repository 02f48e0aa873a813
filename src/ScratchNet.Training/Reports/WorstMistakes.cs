namespace ScratchNet.Training.Reports;

/// <summary>
/// Keeps the rows a model is most confidently wrong about while a split is scored chunk by chunk, so the
/// evaluator can report them without holding every row's probabilities. Its memory is fixed when it is made:
/// adding a chunk allocates nothing.
/// </summary>
public sealed class WorstMistakes
{
    private static readonly IComparer<Misclassification> MostConfidentFirst =
        Comparer<Misclassification>.Create((a, b) => b.Confidence != a.Confidence ? b.Confidence.CompareTo(a.Confidence) : a.Row.CompareTo(b.Row));

    private readonly Misclassification[] _kept;
    private int _count;

    /// <param name="capacity">How many rows to keep.</param>
    public WorstMistakes(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _kept = new Misclassification[capacity];
    }

    // probabilities: (n, classes) · labels: (n); row i of the chunk is row firstRow + i of the split
    public void Add(ReadOnlySpan<float> probabilities, ReadOnlySpan<byte> labels, int firstRow, int classes)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<float> row = probabilities.Slice(i * classes, classes);
            int best = Core.Metrics.Accuracy.ArgMaxRow(row);
            if (best == labels[i])
            {
                continue;
            }

            var mistake = new Misclassification(firstRow + i, labels[i], best, row[best]);
            if (_count < _kept.Length)
            {
                _kept[_count++] = mistake;
                continue;
            }

            // Full: the new row replaces the least confident kept one if it ranks above it (few rows are wrong, so a scan is cheap).
            int least = -1;
            for (int k = 0; k < _count; k++)
            {
                if (least < 0 || MostConfidentFirst.Compare(_kept[k], _kept[least]) > 0)
                {
                    least = k;
                }
            }

            if (least >= 0 && MostConfidentFirst.Compare(mistake, _kept[least]) < 0)
            {
                _kept[least] = mistake;
            }
        }
    }

    /// <returns>The kept rows, most confident first, ties by row (so the order is stable).</returns>
    public IReadOnlyList<Misclassification> Result()
    {
        Array.Sort(_kept, 0, _count, MostConfidentFirst);
        return new ArraySegment<Misclassification>(_kept, 0, _count);
    }
}
