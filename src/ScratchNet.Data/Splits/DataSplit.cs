using System.Runtime.CompilerServices;
using ScratchNet.Data.Idx;

namespace ScratchNet.Data.Splits;

/// <summary>
/// One part of a dataset. Features: (Count, FeatureCount) row-major float32 with pixel values scaled to [0, 1].
/// Targets: (Count, ClassCount) one-hot. Labels: (Count) the class index of each row.
/// </summary>
/// <remarks>
/// A split is either float-backed (the features given as floats) or pixel-backed (8-bit pixels, see
/// <see cref="FromPixels"/>, <see cref="FromPooledPixels"/>), which is how datasets load: the float copy of MNIST is 220 MB, and touching that much
/// fresh memory dominated start-up. Pixel-backed rows are scaled with <see cref="PixelScaler"/> as they are read,
/// so both forms give the same floats bit for bit. The hot paths read rows through <see cref="CopyFeatures"/> and
/// <see cref="ReadFeatures"/>; <see cref="Features"/> materialises the whole float array once, on first use.
/// </remarks>
public sealed class DataSplit
{
    private readonly PixelRows? _pixels;
    private readonly Lock _materialising = new();
    private volatile float[]? _features;
    private readonly IReadOnlyList<string> _sources = [];

    public DataSplit(float[] features, float[] targets, byte[] labels, int featureCount, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        Check(features.Length, "features", targets, labels, featureCount, classCount);
        _features = features;
        Targets = targets;
        Labels = labels;
        FeatureCount = featureCount;
        ClassCount = classCount;
    }

    private DataSplit(PixelRows pixels, float[] targets, byte[] labels, int featureCount, int classCount, IReadOnlyList<string>? sources)
    {
        Check((long)pixels.Count * featureCount, "pixels", targets, labels, featureCount, classCount);
        _pixels = pixels;
        _sources = sources ?? [];
        Targets = targets;
        Labels = labels;
        FeatureCount = featureCount;
        ClassCount = classCount;
    }

    /// <summary>
    /// Where row <paramref name="row"/> comes from, for a person to find it: <c>t10k-images[1234]</c> (its image set and
    /// index there, from 0), for a pixel-backed split whose sets were named; otherwise null.
    /// </summary>
    public string? Origin(int row)
    {
        CheckRows(row, 1);
        if (_pixels is null)
        {
            return null;
        }

        (int set, int index) = _pixels.Source(row);
        return set < _sources.Count ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_sources[set]}[{index}]") : null;
    }

    /// <summary>The features as one float array; for a pixel-backed split it is built on first use (once, thread-safe) and kept.</summary>
    public float[] Features => _features ?? Materialise();

    /// <summary>True when the split holds 8-bit pixels and converts rows as they are read (see <see cref="ReadFeatures"/>).</summary>
    public bool IsPixelBacked => _pixels is not null;

    public float[] Targets { get; }

    public byte[] Labels { get; }

    public int Count => Labels.Length;

    public int FeatureCount { get; }

    public int ClassCount { get; }

    /// <summary>Builds a split from labels alone, writing the one-hot targets.</summary>
    public static DataSplit FromLabels(float[] features, byte[] labels, int featureCount, int classCount) =>
        new(features, OneHot(labels, classCount), labels, featureCount, classCount);

    /// <summary>
    /// Builds a pixel-backed split: <paramref name="pixels"/> (count, featureCount) 8-bit values, read as
    /// <c>pixel / 255</c>. The arrays are kept, not copied.
    /// </summary>
    /// <param name="source">The image set's name for <see cref="Origin"/> (<c>t10k-images</c>), or null.</param>
    public static DataSplit FromPixels(byte[] pixels, byte[] labels, int featureCount, int classCount, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (pixels.Length % featureCount != 0)
        {
            throw new ArgumentException($"pixels hold {pixels.Length} bytes, not a whole number of {featureCount}-pixel rows", nameof(pixels));
        }

        return new DataSplit(new PixelRows(pixels, [], null, featureCount), OneHot(labels, classCount), labels, featureCount, classCount, source is null ? null : [source]);
    }

    /// <summary>
    /// Builds a pixel-backed split over two image sets pooled as one, without copying them: split row i is pooled row
    /// <paramref name="rows"/>[i], where pooled rows at or past <paramref name="firstPixels"/>' row count continue into
    /// <paramref name="secondPixels"/>. <paramref name="labels"/> are the split's own, one per entry of <paramref name="rows"/>.
    /// </summary>
    /// <param name="sources">The two image sets' names for <see cref="Origin"/> (<c>train-images</c>, <c>t10k-images</c>), or null.</param>
    public static DataSplit FromPooledPixels(byte[] firstPixels, byte[] secondPixels, int[] rows, byte[] labels, int featureCount, int classCount, IReadOnlyList<string>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(firstPixels);
        ArgumentNullException.ThrowIfNull(secondPixels);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (firstPixels.Length % featureCount != 0 || secondPixels.Length % featureCount != 0)
        {
            throw new ArgumentException($"pixels hold {firstPixels.Length} and {secondPixels.Length} bytes, not whole numbers of {featureCount}-pixel rows", nameof(firstPixels));
        }

        long pooled = ((long)firstPixels.Length + secondPixels.Length) / featureCount;
        foreach (int row in rows)
        {
            if ((ulong)row >= (ulong)pooled)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"row index must be 0 to {pooled - 1}");
            }
        }

        return new DataSplit(new PixelRows(firstPixels, secondPixels, rows, featureCount), OneHot(labels, classCount), labels, featureCount, classCount, sources);
    }

    /// <summary>Writes rows <paramref name="startRow"/> … <paramref name="startRow"/> + <paramref name="rows"/> − 1 as float32 to <paramref name="destination"/>.</summary>
    // destination: (rows, FeatureCount)
    public void CopyFeatures(int startRow, int rows, Span<float> destination)
    {
        CheckRows(startRow, rows);
        int length = rows * FeatureCount;
        if (destination.Length < length)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, but {rows} rows of {FeatureCount} features need {length}", nameof(destination));
        }

        if (_pixels is { } pixels)
        {
            ReadOnlySpan<byte> run = pixels.Run(startRow, rows);
            if (!run.IsEmpty || rows == 0)
            {
                PixelScaler.Scale(run, destination[..length]);
                return;
            }

            for (int r = 0; r < rows; r++)
            {
                PixelScaler.Scale(pixels.Row(startRow + r), destination.Slice(r * FeatureCount, FeatureCount));
            }
        }
        else
        {
            _features.AsSpan(startRow * FeatureCount, length).CopyTo(destination);
        }
    }

    /// <summary>Writes the given rows, in the given order, as float32 to <paramref name="destination"/>: the minibatch gather.</summary>
    // rows: (n) row indices · destination: (n, FeatureCount)
    // Fully optimised from the first call, like PixelScaler.Scale: it runs once per batch, and at tier 0 it slowed the first epoch.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GatherFeatures(ReadOnlySpan<int> rows, Span<float> destination)
    {
        int f = FeatureCount;
        if (destination.Length < (long)rows.Length * f)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, but {rows.Length} rows of {f} features need {(long)rows.Length * f}", nameof(destination));
        }

        for (int r = 0; r < rows.Length; r++)
        {
            int row = rows[r];
            if ((uint)row >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"row index must be 0 to {Count - 1}");
            }

            if (_pixels is { } pixels)
            {
                PixelScaler.Scale(pixels.Row(row), destination.Slice(r * f, f));
            }
            else
            {
                _features.AsSpan(row * f, f).CopyTo(destination.Slice(r * f, f));
            }
        }
    }

    /// <summary>Row <paramref name="row"/>'s 8-bit pixels, (FeatureCount) bytes, where they were read; only for a pixel-backed split.</summary>
    public ReadOnlySpan<byte> PixelRow(int row)
    {
        if (_pixels is not { } pixels)
        {
            throw new InvalidOperationException("this split holds float features, not 8-bit pixels");
        }

        if ((uint)row >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"row index must be 0 to {Count - 1}");
        }

        return pixels.Row(row);
    }

    /// <summary>
    /// Starts loading the given rows (features and targets) into the cache without waiting for them; call it one
    /// batch ahead of <see cref="GatherFeatures"/>. Row indices out of range are ignored: this is only a hint.
    /// </summary>
    public void Prefetch(ReadOnlySpan<int> rows)
    {
        int f = FeatureCount;
        float[]? features = _features;
        foreach (int row in rows)
        {
            if ((uint)row >= (uint)Count)
            {
                continue;
            }

            if (_pixels is { } pixels)
            {
                CachePrefetch.Lines(pixels.Row(row));
            }
            else if (features is not null)
            {
                CachePrefetch.Lines<float>(features.AsSpan(row * f, f));
            }

            CachePrefetch.Lines<float>(Targets.AsSpan(row * ClassCount, ClassCount));
        }
    }

    /// <summary>
    /// Rows <paramref name="startRow"/> … as float32 without a copy where the floats already exist; otherwise
    /// converted into <paramref name="buffer"/>, which the result then points into (valid until the buffer is reused).
    /// </summary>
    public ReadOnlyMemory<float> ReadFeatures(int startRow, int rows, float[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        CheckRows(startRow, rows);
        if (_features is { } features)
        {
            return features.AsMemory(startRow * FeatureCount, rows * FeatureCount);
        }

        CopyFeatures(startRow, rows, buffer);
        return buffer.AsMemory(0, rows * FeatureCount);
    }

    private float[] Materialise()
    {
        lock (_materialising)
        {
            if (_features is null)
            {
                var features = new float[Count * FeatureCount];
                CopyFeatures(0, Count, features);
                _features = features;
            }

            return _features;
        }
    }

    private void CheckRows(int startRow, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startRow);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if ((long)startRow + rows > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"rows {startRow} to {startRow + rows - 1} are outside the split's {Count} rows");
        }
    }

    private static float[] OneHot(byte[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        var targets = new float[labels.Length * classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new ArgumentException($"label {labels[i]} at row {i} is outside the {classCount} classes", nameof(labels));
            }

            targets[(i * classCount) + labels[i]] = 1f;
        }

        return targets;
    }

    private static void Check(long featureValues, string name, float[] targets, byte[] labels, int featureCount, int classCount)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        int count = labels.Length;
        if (featureValues != (long)count * featureCount)
        {
            throw new ArgumentException($"{name} hold {featureValues} values, expected {count} rows x {featureCount} columns", name);
        }

        if (targets.Length != (long)count * classCount)
        {
            throw new ArgumentException($"targets hold {targets.Length} values, expected {count} rows x {classCount} classes", nameof(targets));
        }
    }
}
