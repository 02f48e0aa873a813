using ScratchNet.Core.Random;

namespace ScratchNet.Data.Splits;

/// <summary>Chooses which rows train and which validate; deterministic for a seed.</summary>
public static class Splitter
{
    /// <summary>
    /// Shuffles 0..count-1 with <see cref="Xoshiro256"/>(<paramref name="seed"/>) and holds out the first
    /// round(count × fraction) for validation. Both parts are returned sorted, so gathering the rows reads memory forwards;
    /// the minibatch sampler does the per-epoch shuffling.
    /// </summary>
    public static SplitIndices RandomHoldOut(int count, double validationFraction, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "the validation fraction must be in (0, 1)");
        }

        int validationCount = Math.Clamp((int)Math.Round(count * validationFraction, MidpointRounding.AwayFromZero), 1, count - 1);
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        new Xoshiro256(seed).Shuffle(order.AsSpan());
        int[] validation = order[..validationCount];
        int[] train = order[validationCount..];
        Array.Sort(validation);
        Array.Sort(train);
        return new SplitIndices(train, validation);
    }

    /// <summary>Gathers the given rows of 8-bit images and their labels into a <see cref="DataSplit"/>, scaling pixels to [0, 1].</summary>
    public static DataSplit Gather(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> labels, ReadOnlySpan<int> rows, int featureCount, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (pixels.Length != (long)labels.Length * featureCount)
        {
            throw new ArgumentException($"pixels hold {pixels.Length} bytes, expected {labels.Length} rows x {featureCount}", nameof(pixels));
        }

        var features = new float[(long)rows.Length * featureCount];
        var rowLabels = new byte[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            int row = rows[r];
            Idx.PixelScaler.Scale(pixels.Slice(row * featureCount, featureCount), features.AsSpan(r * featureCount, featureCount));
            rowLabels[r] = labels[row];
        }

        return DataSplit.FromLabels(features, rowLabels, featureCount, classCount);
    }
}
