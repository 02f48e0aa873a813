using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The transpose behind <see cref="MatMul.Transpose"/>: 16 × 16 blocks transposed in registers (AVX-512),
/// the edges element by element. Packing a 128 × 64 weight this way costs well under a microsecond, against
/// several for the element loop. The direct tiles run the input gradient over wᵀ packed this way, and <see cref="Pack"/>
/// transposes wᵀ panels for the blocked kernel with the same 16 × 16 blocks.
/// <see cref="MatMulNaive.Transpose"/> is the reference.
/// </summary>
internal static class TransposeKernel
{
    private const int Block = 16;

    // a: (rows, columns) row-major · aT: (columns, rows), overwritten
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Run(ReadOnlySpan<float> a, Span<float> aT, int rows, int columns)
    {
        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float tRef = ref MemoryMarshal.GetReference(aT);
        int blockRows = 0, blockColumns = 0;
        if (Avx512F.IsSupported)
        {
            blockRows = rows / Block * Block;
            blockColumns = columns / Block * Block;
            for (int r = 0; r < blockRows; r += Block)
            {
                for (int c = 0; c < blockColumns; c += Block)
                {
                    Block16(ref Unsafe.Add(ref aRef, (r * columns) + c), columns, ref Unsafe.Add(ref tRef, (c * rows) + r), rows);
                }
            }
        }

        // Edges: the columns right of the blocks in every row, then the rows below them.
        for (int r = 0; r < rows; r++)
        {
            for (int c = r < blockRows ? blockColumns : 0; c < columns; c++)
            {
                Unsafe.Add(ref tRef, (c * rows) + r) = Unsafe.Add(ref aRef, (r * columns) + c);
            }
        }
    }

    // source: 16 rows of 16, `sourceStride` apart · destination: 16 rows of 16, `destinationStride` apart
    // Written out in locals so all 16 rows stay in registers (AVX-512 has 32).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Block16(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        // Rows 0 … 3: interleave 32-bit elements of row pairs, then 64-bit pairs (within 128-bit lanes).
        // Afterwards q0m lane L holds column 4L + m of these rows.
        Vector512<float> r0 = Vector512.LoadUnsafe(ref source, (nuint)(0 * sourceStride));
        Vector512<float> r1 = Vector512.LoadUnsafe(ref source, (nuint)(1 * sourceStride));
        Vector512<float> r2 = Vector512.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
        Vector512<float> r3 = Vector512.LoadUnsafe(ref source, (nuint)(3 * sourceStride));
        (Vector512<float> q00, Vector512<float> q01, Vector512<float> q02, Vector512<float> q03) = Interleave4(r0, r1, r2, r3);

        r0 = Vector512.LoadUnsafe(ref source, (nuint)(4 * sourceStride));
        r1 = Vector512.LoadUnsafe(ref source, (nuint)(5 * sourceStride));
        r2 = Vector512.LoadUnsafe(ref source, (nuint)(6 * sourceStride));
        r3 = Vector512.LoadUnsafe(ref source, (nuint)(7 * sourceStride));
        (Vector512<float> q10, Vector512<float> q11, Vector512<float> q12, Vector512<float> q13) = Interleave4(r0, r1, r2, r3);

        r0 = Vector512.LoadUnsafe(ref source, (nuint)(8 * sourceStride));
        r1 = Vector512.LoadUnsafe(ref source, (nuint)(9 * sourceStride));
        r2 = Vector512.LoadUnsafe(ref source, (nuint)(10 * sourceStride));
        r3 = Vector512.LoadUnsafe(ref source, (nuint)(11 * sourceStride));
        (Vector512<float> q20, Vector512<float> q21, Vector512<float> q22, Vector512<float> q23) = Interleave4(r0, r1, r2, r3);

        r0 = Vector512.LoadUnsafe(ref source, (nuint)(12 * sourceStride));
        r1 = Vector512.LoadUnsafe(ref source, (nuint)(13 * sourceStride));
        r2 = Vector512.LoadUnsafe(ref source, (nuint)(14 * sourceStride));
        r3 = Vector512.LoadUnsafe(ref source, (nuint)(15 * sourceStride));
        (Vector512<float> q30, Vector512<float> q31, Vector512<float> q32, Vector512<float> q33) = Interleave4(r0, r1, r2, r3);

        // Gather lane L of the four quads with 128-bit lane shuffles: column 4L + m is then one vector.
        StoreColumns(q00, q10, q20, q30, ref destination, 0, destinationStride);
        StoreColumns(q01, q11, q21, q31, ref destination, 1, destinationStride);
        StoreColumns(q02, q12, q22, q32, ref destination, 2, destinationStride);
        StoreColumns(q03, q13, q23, q33, ref destination, 3, destinationStride);
    }

    // source: 8 rows of 8, `sourceStride` apart · destination: 8 rows of 8, `destinationStride` apart (AVX)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Block8(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref source, (nuint)sourceStride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * sourceStride));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * sourceStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * sourceStride));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * sourceStride));

        // Interleave row pairs, then pairs of pairs (within 128-bit lanes): q0 lane L holds column 4L of rows 0–3, and so on.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> q0 = Avx.Shuffle(t0, t2, 0x44), q1 = Avx.Shuffle(t0, t2, 0xEE), q2 = Avx.Shuffle(t1, t3, 0x44), q3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> q4 = Avx.Shuffle(t4, t6, 0x44), q5 = Avx.Shuffle(t4, t6, 0xEE), q6 = Avx.Shuffle(t5, t7, 0x44), q7 = Avx.Shuffle(t5, t7, 0xEE);

        // Join the low 128-bit lanes (columns 0–3) and the high ones (columns 4–7) of rows 0–3 and 4–7.
        Avx.Permute2x128(q0, q4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(q1, q5, 0x20).StoreUnsafe(ref destination, (nuint)destinationStride);
        Avx.Permute2x128(q2, q6, 0x20).StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
        Avx.Permute2x128(q3, q7, 0x20).StoreUnsafe(ref destination, (nuint)(3 * destinationStride));
        Avx.Permute2x128(q0, q4, 0x31).StoreUnsafe(ref destination, (nuint)(4 * destinationStride));
        Avx.Permute2x128(q1, q5, 0x31).StoreUnsafe(ref destination, (nuint)(5 * destinationStride));
        Avx.Permute2x128(q2, q6, 0x31).StoreUnsafe(ref destination, (nuint)(6 * destinationStride));
        Avx.Permute2x128(q3, q7, 0x31).StoreUnsafe(ref destination, (nuint)(7 * destinationStride));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Interleave4(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3)
    {
        Vector512<double> t0 = Avx512F.UnpackLow(r0, r1).AsDouble();
        Vector512<double> t1 = Avx512F.UnpackHigh(r0, r1).AsDouble();
        Vector512<double> t2 = Avx512F.UnpackLow(r2, r3).AsDouble();
        Vector512<double> t3 = Avx512F.UnpackHigh(r2, r3).AsDouble();
        return (Avx512F.UnpackLow(t0, t2).AsSingle(), Avx512F.UnpackHigh(t0, t2).AsSingle(), Avx512F.UnpackLow(t1, t3).AsSingle(), Avx512F.UnpackHigh(t1, t3).AsSingle());
    }

    // q0 … q3: column 4L + m of rows 0–3, 4–7, 8–11, 12–15 in lane L → destination rows m, 4 + m, 8 + m, 12 + m
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns(Vector512<float> q0, Vector512<float> q1, Vector512<float> q2, Vector512<float> q3, ref float destination, int m, int stride)
    {
        Vector512<float> low01 = Avx512F.Shuffle4x128(q0, q1, 0x44);   // lanes 0, 1 of q0 | 0, 1 of q1
        Vector512<float> high01 = Avx512F.Shuffle4x128(q0, q1, 0xEE);  // lanes 2, 3 of q0 | 2, 3 of q1
        Vector512<float> low23 = Avx512F.Shuffle4x128(q2, q3, 0x44);
        Vector512<float> high23 = Avx512F.Shuffle4x128(q2, q3, 0xEE);
        Avx512F.Shuffle4x128(low01, low23, 0x88).StoreUnsafe(ref destination, (nuint)(m * stride));        // lane 0 of each
        Avx512F.Shuffle4x128(low01, low23, 0xDD).StoreUnsafe(ref destination, (nuint)((4 + m) * stride));  // lane 1
        Avx512F.Shuffle4x128(high01, high23, 0x88).StoreUnsafe(ref destination, (nuint)((8 + m) * stride)); // lane 2
        Avx512F.Shuffle4x128(high01, high23, 0xDD).StoreUnsafe(ref destination, (nuint)((12 + m) * stride)); // lane 3
    }
}
