using ScratchNet.Data.Splits;

namespace ScratchNet.Data;

/// <summary>
/// The 8-bit image rows of a pixel-backed <see cref="DataSplit"/>, left where they were read: one array, or two
/// pooled as one (row indices at or past the first's row count continue into the second), optionally seen through a
/// row map. A random hold-out over both MNIST files is then a map of row indices, not a 55 MB copy of the pixels:
/// fresh memory is slow to touch the first time, and that copy cost more at start-up than everything else in loading.
/// </summary>
internal sealed class PixelRows
{
    private readonly byte[] _first;
    private readonly byte[] _second;
    private readonly int[]? _map;
    private readonly int _firstRows;
    private readonly int _featureCount;

    // first, second: (rows, featureCount) row-major · map: split row → pooled row, or null for the identity
    public PixelRows(byte[] first, byte[] second, int[]? map, int featureCount)
    {
        _first = first;
        _second = second;
        _map = map;
        _featureCount = featureCount;
        _firstRows = first.Length / featureCount;
        Count = map?.Length ?? _firstRows + (second.Length / featureCount);
    }

    public int Count { get; }

    /// <summary>Split row <paramref name="row"/>, (featureCount) bytes.</summary>
    public ReadOnlySpan<byte> Row(int row)
    {
        int pooled = _map is null ? row : _map[row];
        return pooled < _firstRows
            ? _first.AsSpan(pooled * _featureCount, _featureCount)
            : _second.AsSpan((pooled - _firstRows) * _featureCount, _featureCount);
    }

    /// <summary>Where split row <paramref name="row"/> comes from: the first (0) or second (1) image set, and its index there.</summary>
    public (int Set, int Index) Source(int row)
    {
        int pooled = _map is null ? row : _map[row];
        return pooled < _firstRows ? (0, pooled) : (1, pooled - _firstRows);
    }

    /// <summary>Rows <paramref name="start"/> … as one span when they lie next to each other in one array (no map); otherwise empty.</summary>
    public ReadOnlySpan<byte> Run(int start, int rows)
    {
        if (_map is null && start + rows <= _firstRows)
        {
            return _first.AsSpan(start * _featureCount, rows * _featureCount);
        }

        return [];
    }
}
