using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// Scratch that starts on a 64-byte boundary. A vector load that straddles two cache lines costs two: the sparse
/// convolution backward measured 1.4× slower with its buffers misaligned, and the sparse product's loads of W's rows
/// from L2 took 23–28 cycles against 17 aligned (probe of 2026-11-26). Arrays start wherever the runtime put them.
/// </summary>
internal static class CacheLine
{
    /// <summary>Floats in one 64-byte line.</summary>
    public const int Floats = 64 / sizeof(float);

    /// <summary>Floats a buffer needs to hold <paramref name="length"/> from a line on, wherever it starts (<see cref="Aligned(Memory{float}, int)"/>).</summary>
    public static int AlignedLength(int length) => length + Floats - 1;

    /// <summary>
    /// The <paramref name="length"/> floats of <paramref name="buffer"/> (<see cref="AlignedLength"/>) from its first 64-byte
    /// boundary on. Should the GC move the buffer later, the slice stays correct, only slower; a pinned buffer does not move.
    /// </summary>
    public static Memory<float> Aligned(Memory<float> buffer, int length)
    {
        Guard.Holds(buffer.Length, 1, AlignedLength(length), nameof(buffer));
        return buffer.Slice(Skew(buffer.Span), length);
    }

    /// <inheritdoc cref="Aligned(Memory{float}, int)"/>
    public static Span<float> Aligned(Span<float> buffer, int length)
    {
        Guard.Holds(buffer.Length, 1, AlignedLength(length), nameof(buffer));
        return buffer.Slice(Skew(buffer), length);
    }

    /// <summary>A buffer for <see cref="Aligned(Span{float}, int)"/> that the GC never moves, grown only when too short.</summary>
    public static float[] Pinned(ref float[]? held, int length) =>
        held is { } array && array.Length >= AlignedLength(length) ? array : held = GC.AllocateArray<float>(AlignedLength(length), pinned: true);

    // Floats from the start of buffer to its first 64-byte boundary.
    private static int Skew(ReadOnlySpan<float> buffer)
    {
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetReference(buffer));
        return (int)((-address & 63) / sizeof(float));
    }
}
