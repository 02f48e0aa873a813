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

    /// <summary>
    /// <paramref name="take"/> of the indices 0..count-1, a sample fixed for the count (shuffled by a constant seed) and
    /// sorted: random, so a file sorted by class still gives every class, and the same in every run.
    /// </summary>
    public static int[] Sample(int count, int take)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        // The seed is arbitrary; a constant keeps Data:Seed the random split's alone.
        new Xoshiro256(0x5A3B_1E00UL).Shuffle(order.AsSpan());
        int[] sample = order[..Math.Min(take, count)];
        Array.Sort(sample);
        return sample;
    }

    /// <summary>Gathers the given rows of 8-bit images and their labels into a pixel-backed <see cref="DataSplit"/> (read as pixel / 255).</summary>
    public static DataSplit Gather(byte[] pixels, byte[] labels, int[] rows, int featureCount, int classCount, string? source = null) =>
        Gather(pixels, labels, [], [], rows, featureCount, classCount, source is null ? null : [source]);

    /// <summary>
    /// Gathers rows from two image sets as if they were one: row indices at or past the first set's count
    /// continue into the second. Only the labels are copied; the split reads its pixels in place through
    /// <paramref name="rows"/> (kept, not copied), because a gathered copy of every pixel is fresh memory, and
    /// fresh memory is slow to touch the first time: that copy cost more at start-up than reading the files.
    /// </summary>
    /// <param name="sources">The two sets' names, for <see cref="DataSplit.Origin"/>; or null.</param>
    public static DataSplit Gather(byte[] firstPixels, byte[] firstLabels, byte[] secondPixels, byte[] secondLabels, int[] rows, int featureCount, int classCount, IReadOnlyList<string>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(firstPixels);
        ArgumentNullException.ThrowIfNull(firstLabels);
        ArgumentNullException.ThrowIfNull(secondPixels);
        ArgumentNullException.ThrowIfNull(secondLabels);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        CheckPixels(firstPixels, firstLabels, featureCount);
        CheckPixels(secondPixels, secondLabels, featureCount);
        CheckRows(rows, firstLabels.Length + secondLabels.Length);
        int firstCount = firstLabels.Length;
        var rowLabels = new byte[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            int row = rows[r];
            rowLabels[r] = row < firstCount ? firstLabels[row] : secondLabels[row - firstCount];
        }

        return DataSplit.FromPooledPixels(firstPixels, secondPixels, rows, rowLabels, featureCount, classCount, sources);
    }

    private static void CheckRows(ReadOnlySpan<int> rows, int total)
    {
        foreach (int row in rows)
        {
            if ((uint)row >= (uint)total)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"row index must be 0 to {total - 1}");
            }
        }
    }

    private static void CheckPixels(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> labels, int featureCount)
    {
        if (pixels.Length != (long)labels.Length * featureCount)
        {
            throw new ArgumentException($"pixels hold {pixels.Length} bytes, expected {labels.Length} rows x {featureCount}", nameof(pixels));
        }
    }
}
