namespace ScratchNet.Core.Kernels;

/// <summary>Splits an output axis into contiguous parts for threads, in whole blocks so tiles stay full.</summary>
internal static class Partition
{
    /// <summary>
    /// The range [start, end) of part <paramref name="part"/> of <paramref name="parts"/> over 0 … <paramref name="length"/>:
    /// the blocks of <paramref name="block"/> are shared out as evenly as possible, the last part also takes the remainder.
    /// </summary>
    public static (int Start, int End) Range(int length, int part, int parts, int block)
    {
        int blocks = length / block;
        int start = (int)((long)blocks * part / parts) * block;
        int end = part == parts - 1 ? length : (int)((long)blocks * (part + 1) / parts) * block;
        return (start, end);
    }
}
