using ScratchNet.Core.Random;
using ScratchNet.Data.Augmentation;

namespace ScratchNet.Data.Splits;

/// <summary>
/// Cuts a split into seeded, shuffled minibatches and copies each one into caller-owned buffers,
/// so a training step reads contiguous rows and allocates nothing. With an <see cref="ImageAugmenter"/>, each image is
/// transformed as it is gathered (the transform keyed by the epoch and the row), in place of the plain conversion.
/// </summary>
public sealed class MinibatchSampler
{
    private readonly DataSplit _split;
    private readonly int[] _order;
    private readonly Xoshiro256 _rng;
    private readonly ImageAugmenter? _augmenter;
    private int _epoch = 1;

    /// <param name="split">The rows to sample from.</param>
    /// <param name="batchSize">Rows per batch; the last batch of an epoch may be shorter.</param>
    /// <param name="rng">The generator the order is drawn from; its state is the sampler's state.</param>
    /// <param name="shuffle">False keeps the split's own order every epoch.</param>
    /// <param name="augmenter">Transforms each image as it is gathered; null gathers the images as they are. Needs a pixel-backed split.</param>
    public MinibatchSampler(DataSplit split, int batchSize, Xoshiro256 rng, bool shuffle = true, ImageAugmenter? augmenter = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (augmenter is not null && (!split.IsPixelBacked || augmenter.Shape.Size != split.FeatureCount))
        {
            throw new ArgumentException(
                $"augmentation needs 8-bit images of {augmenter.Shape.Size} pixels ({augmenter.Shape}), but the split holds {(split.IsPixelBacked ? "pixel" : "float")} rows of {split.FeatureCount} features",
                nameof(augmenter));
        }

        _split = split;
        _augmenter = augmenter;
        _rng = rng;
        BatchSize = batchSize;
        Shuffle = shuffle;
        _order = new int[split.Count];
        ResetOrder();
    }

    public int BatchSize { get; }

    public bool Shuffle { get; }

    public int BatchCount => (_split.Count + BatchSize - 1) / BatchSize;

    /// <summary>The row order of the current epoch.</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Draws the order for a new epoch. Each epoch reshuffles the identity order, so the order depends only on the generator's state.</summary>
    /// <param name="epoch">The epoch's number, which keys the augmentation's draws (nothing else).</param>
    public void BeginEpoch(int epoch = 1)
    {
        _epoch = epoch;
        ResetOrder();
        if (Shuffle)
        {
            _rng.Shuffle(_order.AsSpan());
        }
    }

    /// <summary>Copies batch <paramref name="batchIndex"/> into the destinations and returns its row count.</summary>
    /// <param name="x">Destination (BatchSize, FeatureCount).</param>
    /// <param name="y">Destination (BatchSize, ClassCount) one-hot.</param>
    /// <param name="labels">Destination (BatchSize).</param>
    public int Fill(int batchIndex, Span<float> x, Span<float> y, Span<byte> labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batchIndex, BatchCount);
        int start = batchIndex * BatchSize;
        int rows = Math.Min(BatchSize, _split.Count - start);
        int f = _split.FeatureCount;
        int c = _split.ClassCount;
        if (x.Length < rows * f || y.Length < rows * c || labels.Length < rows)
        {
            throw new ArgumentException($"batch buffers are too short for {rows} rows of {f} features and {c} classes");
        }

        ReadOnlySpan<int> order = _order.AsSpan(start, rows);
        if (_augmenter is null)
        {
            _split.GatherFeatures(order, x);
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                _augmenter.Apply(_split.PixelRow(order[r]), _epoch, order[r], x.Slice(r * f, f));
            }
        }

        // The next batch's rows lie at random places in memory; ask for them now, so they arrive while this
        // batch trains (the gather took 18 µs of a 110 µs step waiting on cache misses without it).
        int next = start + rows;
        _split.Prefetch(_order.AsSpan(next, Math.Min(BatchSize, _split.Count - next)));
        ReadOnlySpan<float> targets = _split.Targets;
        for (int r = 0; r < rows; r++)
        {
            int row = order[r];
            targets.Slice(row * c, c).CopyTo(y.Slice(r * c, c));
            labels[r] = _split.Labels[row];
        }

        return rows;
    }

    private void ResetOrder()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }
    }
}
