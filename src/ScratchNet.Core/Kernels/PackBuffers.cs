namespace ScratchNet.Core.Kernels;

/// <summary>
/// One thread's scratch for products: the packed panels of A and B that <see cref="GemmBlocked"/> works in, and
/// op(B) transposed for the direct tiles. The panels are allocated the first time this thread needs them, at their
/// fixed size; the transpose grows to the largest op(B) it has held (at most <see cref="ProductPlan.DirectMaxB"/>).
/// All are reused by every product after that, so products allocate nothing once warm.
/// </summary>
/// <remarks>
/// The panels live on the pinned object heap and start on a 64-byte boundary (<see cref="CacheLine"/>): a packed B row
/// is two Vector512 loads, and unaligned ones would each straddle two cache lines.
/// </remarks>
internal sealed class PackBuffers
{
    [ThreadStatic]
    private static PackBuffers? t_current;

    private float[]? _a;
    private float[]? _b;
    private float[]? _transposedB;

    /// <summary>This thread's buffers.</summary>
    public static PackBuffers Current => t_current ??= new PackBuffers();

    /// <summary>Packed A: row panels of MR × KC, for up to MC rows.</summary>
    public Span<float> A => CacheLine.Aligned(CacheLine.Pinned(ref _a, GemmBlocked.PackedALength), GemmBlocked.PackedALength);

    /// <summary>Packed B: column panels of KC × NR, for up to NC columns.</summary>
    public Span<float> B => CacheLine.Aligned(CacheLine.Pinned(ref _b, GemmBlocked.PackedBLength), GemmBlocked.PackedBLength);

    /// <summary>op(B) as a row-major (k, n) matrix, for the direct tiles: <paramref name="length"/> = k·n ≤ <see cref="ProductPlan.DirectMaxB"/>.</summary>
    public Memory<float> TransposedB(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, ProductPlan.DirectMaxB);
        if (_transposedB is null || _transposedB.Length < length)
        {
            _transposedB = new float[length];
        }

        return _transposedB.AsMemory(0, length);
    }
}
