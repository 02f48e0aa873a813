namespace ScratchNet.Data.Idx;

/// <summary>The content of one unsigned-byte IDX file: its dimensions (outermost first) and its row-major data.</summary>
public sealed class IdxArray
{
    public IdxArray(int[] dimensions, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(data);
        long product = 1;
        foreach (int d in dimensions)
        {
            product *= d;
        }

        if (product != data.Length)
        {
            throw new ArgumentException($"dimensions ({string.Join(" x ", dimensions)}) describe {product} bytes but data holds {data.Length}", nameof(data));
        }

        Dimensions = dimensions;
        Data = data;
    }

    public int[] Dimensions { get; }

    public byte[] Data { get; }

    /// <summary>The outermost dimension: images or labels in the file.</summary>
    public int Count => Dimensions[0];

    public override string ToString() => $"IDX ubyte ({string.Join(" x ", Dimensions)})";
}
