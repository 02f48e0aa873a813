using System.Runtime.InteropServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// One thread's scratch for products: the packed panels of A and B that <see cref="GemmBlocked"/> works in, and
/// op(B) transposed for the direct tiles. The panels are allocated the first time this thread needs them, at their
/// fixed size; the transpose grows to the largest op(B) it has held (at most <see cref="ProductPlan.DirectMaxB"/>).
/// All are reused by every product after that, so products allocate nothing once warm.
/// </summary>
/// <remarks>
/// The arrays live on the pinned object heap, so the offset that puts their data on a 64-byte boundary stays
/// valid: a packed B row is two Vector512 loads, and unaligned ones would each straddle two cache lines.
/// </remarks>
internal sealed class PackBuffers
{
    private const int Alignment = 64 / sizeof(float);

    [ThreadStatic]
    private static PackBuffers? t_current;

    private float[]? _a;
    private float[]? _b;
    private float[]? _transposedB;
    private int _aOffset;
    private int _bOffset;

    /// <summary>This thread's buffers.</summary>
    public static PackBuffers Current => t_current ??= new PackBuffers();

    /// <summary>Packed A: row panels of MR × KC, for up to MC rows.</summary>
    public Span<float> A
    {
        get
        {
            if (_a is null)
            {
                (_a, _aOffset) = Aligned(GemmBlocked.PackedALength);
            }

            return _a.AsSpan(_aOffset, GemmBlocked.PackedALength);
        }
    }

    /// <summary>Packed B: column panels of KC × NR, for up to NC columns.</summary>
    public Span<float> B
    {
        get
        {
            if (_b is null)
            {
                (_b, _bOffset) = Aligned(GemmBlocked.PackedBLength);
            }

            return _b.AsSpan(_bOffset, GemmBlocked.PackedBLength);
        }
    }

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

    private static (float[] Array, int Offset) Aligned(int length)
    {
        float[] array = GC.AllocateArray<float>(length + Alignment, pinned: true);
        GCHandle handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            long address = handle.AddrOfPinnedObject().ToInt64();
            int misalignment = (int)(address % (Alignment * sizeof(float))) / sizeof(float);
            return (array, misalignment == 0 ? 0 : Alignment - misalignment);
        }
        finally
        {
            handle.Free();
        }
    }
}
