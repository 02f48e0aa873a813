using System.Runtime.CompilerServices;
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

    /// <summary>Gathers the given rows of 8-bit images and their labels into a pixel-backed <see cref="DataSplit"/> (read as pixel / 255).</summary>
    public static DataSplit Gather(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> labels, ReadOnlySpan<int> rows, int featureCount, int classCount) =>
        Gather(pixels, labels, [], [], rows, featureCount, classCount);

    /// <summary>
    /// Gathers rows from two image sets as if they were one: row indices at or past the first set's count
    /// continue into the second. Pooling this way avoids a joined copy of every pixel (fresh memory is slow
    /// to touch the first time). The rows stay 8-bit; the split scales them as they are read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DataSplit Gather(
        ReadOnlySpan<byte> firstPixels, ReadOnlySpan<byte> firstLabels, ReadOnlySpan<byte> secondPixels, ReadOnlySpan<byte> secondLabels,
        ReadOnlySpan<int> rows, int featureCount, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        CheckPixels(firstPixels, firstLabels, featureCount);
        CheckPixels(secondPixels, secondLabels, featureCount);
        int total = firstLabels.Length + secondLabels.Length;
        CheckRows(rows, total);
        byte[] pixels = GC.AllocateUninitializedArray<byte>(checked(rows.Length * featureCount));
        var rowLabels = new byte[rows.Length];
        GatherRows(firstPixels, firstLabels, secondPixels, secondLabels, rows, featureCount, pixels, rowLabels, 0, rows.Length);
        return DataSplit.FromPixels(pixels, rowLabels, featureCount, classCount);
    }

    /// <summary>
    /// <see cref="Gather(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{int}, int, int)"/>
    /// on every core, in blocks of rows. Much of the time goes into the first touch of the fresh array (page
    /// faults: 44 MB for the MNIST training split), and faults on different pages are served in parallel.
    /// Each row is written by exactly one thread, so the result is the same.
    /// </summary>
    public static DataSplit GatherParallel(byte[] firstPixels, byte[] firstLabels, byte[] secondPixels, byte[] secondLabels, int[] rows, int featureCount, int classCount)
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
        byte[] pixels = GC.AllocateUninitializedArray<byte>(checked(rows.Length * featureCount));
        var rowLabels = new byte[rows.Length];
        const int BlockRows = 2048;
        int blocks = (rows.Length + BlockRows - 1) / BlockRows;
        Parallel.For(0, blocks, block =>
        {
            int start = block * BlockRows;
            int end = Math.Min(rows.Length, start + BlockRows);
            GatherRows(firstPixels, firstLabels, secondPixels, secondLabels, rows, featureCount, pixels, rowLabels, start, end);
        });
        return DataSplit.FromPixels(pixels, rowLabels, featureCount, classCount);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherRows(
        ReadOnlySpan<byte> firstPixels, ReadOnlySpan<byte> firstLabels, ReadOnlySpan<byte> secondPixels, ReadOnlySpan<byte> secondLabels,
        ReadOnlySpan<int> rows, int featureCount, Span<byte> pixels, Span<byte> rowLabels, int start, int end)
    {
        int firstCount = firstLabels.Length;
        for (int r = start; r < end; r++)
        {
            int row = rows[r];
            bool first = row < firstCount;
            int local = first ? row : row - firstCount;
            ReadOnlySpan<byte> source = first ? firstPixels : secondPixels;
            source.Slice(local * featureCount, featureCount).CopyTo(pixels.Slice(r * featureCount, featureCount));
            rowLabels[r] = first ? firstLabels[local] : secondLabels[local];
        }
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
