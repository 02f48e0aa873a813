using System.Numerics;
using System.Runtime.CompilerServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// <see cref="Gemm"/> for machines without Vector512 (AVX2 PCs, ARM64): the same product over
/// <see cref="Vector{T}"/>, 8 lanes with AVX2 and 4 with NEON. Without it those machines ran the scalar loop.
/// </summary>
/// <remarks>
/// The tile is 4 rows × 3 vectors: 12 accumulators, 3 rows of B and a broadcast fill the 16 vector registers
/// AVX2 has. Whole vectors left over take 4 × 1 tiles; a last partial vector is computed as a whole one
/// overlapping its neighbour; only products narrower than one vector go through <see cref="Gemm.Scalar"/>.
/// Every element is still the chain c = fma(a[p], b[p], c) from
/// the bias or 0, so this path gives the same bits as the Vector512 and scalar ones.
/// </remarks>
internal static class GemmVector
{
    private const int RowTile = 4;
    private const int ColumnVectors = 3;

    // a: (m, k) through strides · b: (k, n) · bias: (n) or unused · c: (m, n); rows [rowStart, rowEnd) × columns [columnStart, columnEnd)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Run(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, TileStart start,
        ref float cRef, int k, int n, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        int width = Vector<float>.Count;
        int tile = ColumnVectors * width;
        int tileEnd = columnStart + ((columnEnd - columnStart) / tile * tile);
        int vectorEnd = columnStart + ((columnEnd - columnStart) / width * width);

        // Columns past the last whole vector (the 10 logits: 8 + 2) get one more vector that ends at columnEnd and
        // overlaps the one before. The overlapped columns are computed twice by the same fma chain, so they are
        // stored twice with the same bits; single scalar chains, which wait on each fma's latency, ran 5x slower.
        // Not when accumulating: the second pass over the overlapped columns would start from the first one's result.
        bool overlap = vectorEnd < columnEnd && columnEnd - columnStart >= width && start != TileStart.C;
        int i = rowStart;
        for (; i + RowTile <= rowEnd; i += RowTile)
        {
            for (int j = columnStart; j < tileEnd; j += tile)
            {
                Tile4x3(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, i, j);
            }

            for (int j = tileEnd; j < vectorEnd; j += width)
            {
                Tile4x1(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, i, j);
            }

            if (overlap)
            {
                Tile4x1(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, i, columnEnd - width);
            }
        }

        for (; i < rowEnd; i++)
        {
            for (int j = columnStart; j < vectorEnd; j += width)
            {
                Tile1x1(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, i, j);
            }

            if (overlap)
            {
                Tile1x1(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, i, columnEnd - width);
            }
        }

        if (vectorEnd < columnEnd && !overlap)
        {
            Gemm.Scalar(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, rowStart, rowEnd, vectorEnd, columnEnd);
        }
    }

    // 4 rows × 3 vectors of C at (i, j)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x3(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, TileStart start,
        ref float cRef, int k, int n, int i, int j)
    {
        int w = Vector<float>.Count;
        ref float cRow = ref Unsafe.Add(ref cRef, ((nint)i * n) + j);
        Vector<float> c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32;
        if (start == TileStart.C)
        {
            (c00, c01, c02) = LoadRow(ref cRow, w);
            (c10, c11, c12) = LoadRow(ref Unsafe.Add(ref cRow, n), w);
            (c20, c21, c22) = LoadRow(ref Unsafe.Add(ref cRow, 2 * n), w);
            (c30, c31, c32) = LoadRow(ref Unsafe.Add(ref cRow, 3 * n), w);
        }
        else
        {
            (Vector<float> b0, Vector<float> b1, Vector<float> b2) = start == TileStart.Bias
                ? LoadRow(ref Unsafe.Add(ref biasRef, j), w)
                : (Vector<float>.Zero, Vector<float>.Zero, Vector<float>.Zero);
            c00 = c10 = c20 = c30 = b0;
            c01 = c11 = c21 = c31 = b1;
            c02 = c12 = c22 = c32 = b2;
        }

        ref float a0 = ref Unsafe.Add(ref aRef, (nint)i * aRowStride);
        ref float a1 = ref Unsafe.Add(ref a0, aRowStride);
        ref float a2 = ref Unsafe.Add(ref a1, aRowStride);
        ref float a3 = ref Unsafe.Add(ref a2, aRowStride);
        ref float bRow = ref Unsafe.Add(ref bRef, j);
        nint aOffset = 0;
        for (int p = 0; p < k; p++)
        {
            Vector<float> v0 = Vector.LoadUnsafe(ref bRow);
            Vector<float> v1 = Vector.LoadUnsafe(ref bRow, (nuint)w);
            Vector<float> v2 = Vector.LoadUnsafe(ref bRow, (nuint)(2 * w));
            var s = new Vector<float>(Unsafe.Add(ref a0, aOffset));
            c00 = Vector.FusedMultiplyAdd(s, v0, c00);
            c01 = Vector.FusedMultiplyAdd(s, v1, c01);
            c02 = Vector.FusedMultiplyAdd(s, v2, c02);
            s = new Vector<float>(Unsafe.Add(ref a1, aOffset));
            c10 = Vector.FusedMultiplyAdd(s, v0, c10);
            c11 = Vector.FusedMultiplyAdd(s, v1, c11);
            c12 = Vector.FusedMultiplyAdd(s, v2, c12);
            s = new Vector<float>(Unsafe.Add(ref a2, aOffset));
            c20 = Vector.FusedMultiplyAdd(s, v0, c20);
            c21 = Vector.FusedMultiplyAdd(s, v1, c21);
            c22 = Vector.FusedMultiplyAdd(s, v2, c22);
            s = new Vector<float>(Unsafe.Add(ref a3, aOffset));
            c30 = Vector.FusedMultiplyAdd(s, v0, c30);
            c31 = Vector.FusedMultiplyAdd(s, v1, c31);
            c32 = Vector.FusedMultiplyAdd(s, v2, c32);
            aOffset += aColumnStride;
            bRow = ref Unsafe.Add(ref bRow, n);
        }

        StoreRow(c00, c01, c02, ref cRow, w);
        StoreRow(c10, c11, c12, ref Unsafe.Add(ref cRow, n), w);
        StoreRow(c20, c21, c22, ref Unsafe.Add(ref cRow, 2 * n), w);
        StoreRow(c30, c31, c32, ref Unsafe.Add(ref cRow, 3 * n), w);
    }

    // 4 rows × 1 vector of C at (i, j): whole vectors left after the 4 × 3 tiles. Four accumulator chains
    // instead of one per row: a single chain waits on each fma's latency.
    private static void Tile4x1(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, TileStart start,
        ref float cRef, int k, int n, int i, int j)
    {
        ref float cRow = ref Unsafe.Add(ref cRef, ((nint)i * n) + j);
        Vector<float> c0, c1, c2, c3;
        if (start == TileStart.C)
        {
            c0 = Vector.LoadUnsafe(ref cRow);
            c1 = Vector.LoadUnsafe(ref Unsafe.Add(ref cRow, n));
            c2 = Vector.LoadUnsafe(ref Unsafe.Add(ref cRow, 2 * n));
            c3 = Vector.LoadUnsafe(ref Unsafe.Add(ref cRow, 3 * n));
        }
        else
        {
            c0 = c1 = c2 = c3 = start == TileStart.Bias ? Vector.LoadUnsafe(ref biasRef, (nuint)j) : Vector<float>.Zero;
        }

        ref float a0 = ref Unsafe.Add(ref aRef, (nint)i * aRowStride);
        ref float a1 = ref Unsafe.Add(ref a0, aRowStride);
        ref float a2 = ref Unsafe.Add(ref a1, aRowStride);
        ref float a3 = ref Unsafe.Add(ref a2, aRowStride);
        ref float bRow = ref Unsafe.Add(ref bRef, j);
        nint aOffset = 0;
        for (int p = 0; p < k; p++)
        {
            Vector<float> v = Vector.LoadUnsafe(ref bRow);
            c0 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref a0, aOffset)), v, c0);
            c1 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref a1, aOffset)), v, c1);
            c2 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref a2, aOffset)), v, c2);
            c3 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref a3, aOffset)), v, c3);
            aOffset += aColumnStride;
            bRow = ref Unsafe.Add(ref bRow, n);
        }

        c0.StoreUnsafe(ref cRow);
        c1.StoreUnsafe(ref Unsafe.Add(ref cRow, n));
        c2.StoreUnsafe(ref Unsafe.Add(ref cRow, 2 * n));
        c3.StoreUnsafe(ref Unsafe.Add(ref cRow, 3 * n));
    }

    // 1 row × 1 vector of C at (i, j): whole vectors in the rows left after the groups of 4
    private static void Tile1x1(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, TileStart start,
        ref float cRef, int k, int n, int i, int j)
    {
        ref float cAt = ref Unsafe.Add(ref cRef, ((nint)i * n) + j);
        Vector<float> acc = start switch
        {
            TileStart.C => Vector.LoadUnsafe(ref cAt),
            TileStart.Bias => Vector.LoadUnsafe(ref biasRef, (nuint)j),
            _ => Vector<float>.Zero,
        };
        ref float aRow = ref Unsafe.Add(ref aRef, (nint)i * aRowStride);
        ref float bRow = ref Unsafe.Add(ref bRef, j);
        nint aOffset = 0;
        for (int p = 0; p < k; p++)
        {
            acc = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref aRow, aOffset)), Vector.LoadUnsafe(ref bRow), acc);
            aOffset += aColumnStride;
            bRow = ref Unsafe.Add(ref bRow, n);
        }

        acc.StoreUnsafe(ref cAt);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<float>, Vector<float>, Vector<float>) LoadRow(ref float source, int w) =>
        (Vector.LoadUnsafe(ref source), Vector.LoadUnsafe(ref source, (nuint)w), Vector.LoadUnsafe(ref source, (nuint)(2 * w)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector<float> v0, Vector<float> v1, Vector<float> v2, ref float destination, int w)
    {
        v0.StoreUnsafe(ref destination);
        v1.StoreUnsafe(ref destination, (nuint)w);
        v2.StoreUnsafe(ref destination, (nuint)(2 * w));
    }
}
