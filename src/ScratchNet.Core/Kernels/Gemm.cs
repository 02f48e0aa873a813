using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The register-tiled matrix product Forward and BackwardWeights reduce to:
/// C (m, n) = A (m, k) · B (k, n) [+ bias broadcast over rows], C overwritten.
/// B and C are row-major with row stride n. A is reached through two strides, so the same
/// micro-kernel serves x (stride in, 1) and xᵀ (stride 1, in) without materialising a transpose.
/// </summary>
/// <remarks>
/// The hot tile is 4 rows × 64 columns: 16 Vector512 accumulators stay in registers for the whole
/// k loop, each step loading 4 vectors of B and broadcasting 4 scalars of A for 16 FMAs. Columns
/// left over after the 64-wide tiles go through 4 × 16 tiles, the last one partial (the 10 logits of
/// the output layer are one partial vector): its lanes beyond n read whatever follows in B and are
/// never stored, so no padded copy of B is needed.
/// Every output element is the same chain c = fma(a[p], b[p], c) for p = 0, 1, …, k − 1, starting at
/// the bias or 0, whichever tile or thread computes it, so results do not depend on how the rows or
/// columns are split (the scalar path computes the same chain with MathF.FusedMultiplyAdd).
/// </remarks>
internal static class Gemm
{
    private const int RowTile = 4;
    private const int VectorWidth = 16;
    private const int ColumnTile = 4 * VectorWidth;
    private const int TallRowTile = 8;
    private const int TallColumnTile = 2 * VectorWidth;
    private const int TallTileMinK = 256;

    /// <summary>Computes rows [rowStart, rowEnd) × columns [columnStart, columnEnd) of C; B must be row-major (not transposed).</summary>
    // Compiled fully optimised on first call: tier-0 code of these loops made the first epoch ~3x slower
    // than the rest (0.65 s against 0.22 s), which is most of a short run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in Operands op, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        ReadOnlySpan<float> b = op.B;
        ReadOnlySpan<float> bias = op.Bias;
        ref float aRef = ref MemoryMarshal.GetReference(op.A);
        ref float bRef = ref MemoryMarshal.GetReference(b);
        ref float biasRef = ref MemoryMarshal.GetReference(bias);
        ref float cRef = ref MemoryMarshal.GetReference(op.C);
        int aRowStride = op.ARowStride, aColumnStride = op.AColumnStride, k = op.K, n = op.N;
        TileStart start = TileStarts.For(op);
        if (!Vector512.IsHardwareAccelerated)
        {
            if (Vector.IsHardwareAccelerated)
            {
                GemmVector.Run(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, rowStart, rowEnd, columnStart, columnEnd);
            }
            else
            {
                Scalar(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, rowStart, rowEnd, columnStart, columnEnd);
            }

            return;
        }

        int tileEnd = columnStart + ((columnEnd - columnStart) / ColumnTile * ColumnTile);
        int i = rowStart;

        // Long products (the first layer's k = 784) stream a B panel far larger than L1 once per row tile;
        // 8 × 32 tiles share each B load among 8 rows instead of 4, halving that traffic. Narrow ones (under 64
        // columns, such as a convolution's 32 filters) would otherwise get only 4 × 16 tiles, whose 4 accumulators
        // wait on the FMA latency (12544 × 144 × 32: 72 GFLOP/s, against 85+ in 8 × 32 tiles).
        if (k >= TallTileMinK || columnEnd - columnStart < ColumnTile)
        {
            int tallEnd = columnStart + ((columnEnd - columnStart) / TallColumnTile * TallColumnTile);
            for (; i + TallRowTile <= rowEnd; i += TallRowTile)
            {
                for (int jt = columnStart; jt < tallEnd; jt += TallColumnTile)
                {
                    Tile8x32(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, i, jt);
                }

                for (int r = i; r < i + TallRowTile; r += RowTile)
                {
                    for (int jr = tallEnd; jr < columnEnd; jr += VectorWidth)
                    {
                        Tile4x16(ref aRef, aRowStride, aColumnStride, b, bias, start, op.C, k, n, r, RowTile, jr, Math.Min(VectorWidth, columnEnd - jr));
                    }
                }
            }
        }

        for (; i < rowEnd; i += RowTile)
        {
            int rows = Math.Min(RowTile, rowEnd - i);
            int j = columnStart;
            if (rows == RowTile)
            {
                for (; j < tileEnd; j += ColumnTile)
                {
                    Tile4x64(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, i, j);
                }
            }
            else
            {
                // The last 1–3 rows (all of a batch of 1: predict on one image) one at a time, 64 columns wide:
                // a 4 × 16 tile would compute its missing rows anyway, 4× the work of 1 × 64.
                for (int r = i; r < rowEnd; r++)
                {
                    for (int jr = columnStart; jr < tileEnd; jr += ColumnTile)
                    {
                        Tile1x64(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, start, ref cRef, k, n, r, jr);
                    }
                }

                j = tileEnd;
            }

            for (; j < columnEnd; j += VectorWidth)
            {
                Tile4x16(ref aRef, aRowStride, aColumnStride, b, bias, start, op.C, k, n, i, rows, j, Math.Min(VectorWidth, columnEnd - j));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x64(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, TileStart start,
        ref float cRef, int k, int n, int i, int j)
    {
        Vector512<float> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        ref float cRow = ref Unsafe.Add(ref cRef, ((nint)i * n) + j);
        if (start == TileStart.C)
        {
            nint row = n;
            c00 = Vector512.LoadUnsafe(ref cRow);
            c01 = Vector512.LoadUnsafe(ref cRow, 16);
            c02 = Vector512.LoadUnsafe(ref cRow, 32);
            c03 = Vector512.LoadUnsafe(ref cRow, 48);
            c10 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, row));
            c11 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, row), 16);
            c12 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, row), 32);
            c13 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, row), 48);
            c20 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 2 * row));
            c21 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 2 * row), 16);
            c22 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 2 * row), 32);
            c23 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 2 * row), 48);
            c30 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 3 * row));
            c31 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 3 * row), 16);
            c32 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 3 * row), 32);
            c33 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 3 * row), 48);
        }
        else if (start == TileStart.Bias)
        {
            c00 = c10 = c20 = c30 = Vector512.LoadUnsafe(ref biasRef, (nuint)j);
            c01 = c11 = c21 = c31 = Vector512.LoadUnsafe(ref biasRef, (nuint)(j + 16));
            c02 = c12 = c22 = c32 = Vector512.LoadUnsafe(ref biasRef, (nuint)(j + 32));
            c03 = c13 = c23 = c33 = Vector512.LoadUnsafe(ref biasRef, (nuint)(j + 48));
        }
        else
        {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = Vector512<float>.Zero;
            c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = Vector512<float>.Zero;
        }

        ref float a0 = ref Unsafe.Add(ref aRef, (nint)i * aRowStride);
        ref float a1 = ref Unsafe.Add(ref a0, aRowStride);
        ref float a2 = ref Unsafe.Add(ref a1, aRowStride);
        ref float a3 = ref Unsafe.Add(ref a2, aRowStride);
        ref float bRow = ref Unsafe.Add(ref bRef, j);
        nint aOffset = 0;
        for (int p = 0; p < k; p++)
        {
            Vector512<float> b0 = Vector512.LoadUnsafe(ref bRow);
            Vector512<float> b1 = Vector512.LoadUnsafe(ref bRow, 16);
            Vector512<float> b2 = Vector512.LoadUnsafe(ref bRow, 32);
            Vector512<float> b3 = Vector512.LoadUnsafe(ref bRow, 48);

            Vector512<float> x = Vector512.Create(Unsafe.Add(ref a0, aOffset));
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, b2, c02);
            c03 = Vector512.FusedMultiplyAdd(x, b3, c03);
            x = Vector512.Create(Unsafe.Add(ref a1, aOffset));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, b2, c12);
            c13 = Vector512.FusedMultiplyAdd(x, b3, c13);
            x = Vector512.Create(Unsafe.Add(ref a2, aOffset));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, b2, c22);
            c23 = Vector512.FusedMultiplyAdd(x, b3, c23);
            x = Vector512.Create(Unsafe.Add(ref a3, aOffset));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, b2, c32);
            c33 = Vector512.FusedMultiplyAdd(x, b3, c33);

            aOffset += aColumnStride;
            bRow = ref Unsafe.Add(ref bRow, n);
        }

        c00.StoreUnsafe(ref cRow);
        c01.StoreUnsafe(ref cRow, 16);
        c02.StoreUnsafe(ref cRow, 32);
        c03.StoreUnsafe(ref cRow, 48);
        cRow = ref Unsafe.Add(ref cRow, n);
        c10.StoreUnsafe(ref cRow);
        c11.StoreUnsafe(ref cRow, 16);
        c12.StoreUnsafe(ref cRow, 32);
        c13.StoreUnsafe(ref cRow, 48);
        cRow = ref Unsafe.Add(ref cRow, n);
        c20.StoreUnsafe(ref cRow);
        c21.StoreUnsafe(ref cRow, 16);
        c22.StoreUnsafe(ref cRow, 32);
        c23.StoreUnsafe(ref cRow, 48);
        cRow = ref Unsafe.Add(ref cRow, n);
        c30.StoreUnsafe(ref cRow);
        c31.StoreUnsafe(ref cRow, 16);
        c32.StoreUnsafe(ref cRow, 32);
        c33.StoreUnsafe(ref cRow, 48);
    }

    // 1 row × 64 columns: 4 accumulators, 4 B loads and 1 broadcast per step of p; the same chain per element as the other tiles.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1x64(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, TileStart start,
        ref float cRef, int k, int n, int i, int j)
    {
        ref float cRow = ref Unsafe.Add(ref cRef, ((nint)i * n) + j);
        Vector512<float> c0, c1, c2, c3;
        if (start == TileStart.C)
        {
            c0 = Vector512.LoadUnsafe(ref cRow);
            c1 = Vector512.LoadUnsafe(ref cRow, 16);
            c2 = Vector512.LoadUnsafe(ref cRow, 32);
            c3 = Vector512.LoadUnsafe(ref cRow, 48);
        }
        else if (start == TileStart.Bias)
        {
            c0 = Vector512.LoadUnsafe(ref biasRef, (nuint)j);
            c1 = Vector512.LoadUnsafe(ref biasRef, (nuint)(j + 16));
            c2 = Vector512.LoadUnsafe(ref biasRef, (nuint)(j + 32));
            c3 = Vector512.LoadUnsafe(ref biasRef, (nuint)(j + 48));
        }
        else
        {
            c0 = c1 = c2 = c3 = Vector512<float>.Zero;
        }

        ref float a0 = ref Unsafe.Add(ref aRef, (nint)i * aRowStride);
        ref float bRow = ref Unsafe.Add(ref bRef, j);
        nint aOffset = 0;
        for (int p = 0; p < k; p++)
        {
            Vector512<float> x = Vector512.Create(Unsafe.Add(ref a0, aOffset));
            c0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref bRow), c0);
            c1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref bRow, 16), c1);
            c2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref bRow, 32), c2);
            c3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref bRow, 48), c3);
            aOffset += aColumnStride;
            bRow = ref Unsafe.Add(ref bRow, n);
        }

        c0.StoreUnsafe(ref cRow);
        c1.StoreUnsafe(ref cRow, 16);
        c2.StoreUnsafe(ref cRow, 32);
        c3.StoreUnsafe(ref cRow, 48);
    }

    // 8 rows × 32 columns: 16 accumulators, 2 B loads and 8 broadcasts per step of p. Same per-element
    // order of operations as Tile4x64 (bias, then one FMA per p in order), so results are bit-identical.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile8x32(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, TileStart start,
        ref float cRef, int k, int n, int i, int j)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        ref float cRow = ref Unsafe.Add(ref cRef, ((nint)i * n) + j);
        if (start == TileStart.C)
        {
            nint row = n;
            c00 = Vector512.LoadUnsafe(ref cRow);
            c01 = Vector512.LoadUnsafe(ref cRow, 16);
            c10 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, row));
            c11 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, row), 16);
            c20 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 2 * row));
            c21 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 2 * row), 16);
            c30 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 3 * row));
            c31 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 3 * row), 16);
            c40 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 4 * row));
            c41 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 4 * row), 16);
            c50 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 5 * row));
            c51 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 5 * row), 16);
            c60 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 6 * row));
            c61 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 6 * row), 16);
            c70 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 7 * row));
            c71 = Vector512.LoadUnsafe(ref Unsafe.Add(ref cRow, 7 * row), 16);
        }
        else if (start == TileStart.Bias)
        {
            c00 = c10 = c20 = c30 = c40 = c50 = c60 = c70 = Vector512.LoadUnsafe(ref biasRef, (nuint)j);
            c01 = c11 = c21 = c31 = c41 = c51 = c61 = c71 = Vector512.LoadUnsafe(ref biasRef, (nuint)(j + 16));
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }

        ref float a0 = ref Unsafe.Add(ref aRef, (nint)i * aRowStride);
        nint rowStep = aRowStride;
        ref float bRow = ref Unsafe.Add(ref bRef, j);
        nint aOffset = 0;
        for (int p = 0; p < k; p++)
        {
            Vector512<float> b0 = Vector512.LoadUnsafe(ref bRow);
            Vector512<float> b1 = Vector512.LoadUnsafe(ref bRow, 16);
            ref float ap = ref Unsafe.Add(ref a0, aOffset);

            Vector512<float> x = Vector512.Create(ap);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref ap, rowStep));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref ap, 2 * rowStep));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref ap, 3 * rowStep));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(Unsafe.Add(ref ap, 4 * rowStep));
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(Unsafe.Add(ref ap, 5 * rowStep));
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(Unsafe.Add(ref ap, 6 * rowStep));
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(Unsafe.Add(ref ap, 7 * rowStep));
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);

            aOffset += aColumnStride;
            bRow = ref Unsafe.Add(ref bRow, n);
        }

        c00.StoreUnsafe(ref cRow);
        c01.StoreUnsafe(ref cRow, 16);
        cRow = ref Unsafe.Add(ref cRow, n);
        c10.StoreUnsafe(ref cRow);
        c11.StoreUnsafe(ref cRow, 16);
        cRow = ref Unsafe.Add(ref cRow, n);
        c20.StoreUnsafe(ref cRow);
        c21.StoreUnsafe(ref cRow, 16);
        cRow = ref Unsafe.Add(ref cRow, n);
        c30.StoreUnsafe(ref cRow);
        c31.StoreUnsafe(ref cRow, 16);
        cRow = ref Unsafe.Add(ref cRow, n);
        c40.StoreUnsafe(ref cRow);
        c41.StoreUnsafe(ref cRow, 16);
        cRow = ref Unsafe.Add(ref cRow, n);
        c50.StoreUnsafe(ref cRow);
        c51.StoreUnsafe(ref cRow, 16);
        cRow = ref Unsafe.Add(ref cRow, n);
        c60.StoreUnsafe(ref cRow);
        c61.StoreUnsafe(ref cRow, 16);
        cRow = ref Unsafe.Add(ref cRow, n);
        c70.StoreUnsafe(ref cRow);
        c71.StoreUnsafe(ref cRow, 16);
    }

    /// <summary>
    /// Up to 4 rows × up to 16 columns: one Vector512 accumulator per row. Missing rows repeat the last
    /// real row (computed, never stored) so the loop stays branch-free. When <paramref name="width"/> &lt; 16,
    /// the lanes past the last column read the next row of B (garbage lanes, discarded); only where that
    /// would run past the end of B is the row copied into a zero-padded vector first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x16(
        ref float aRef, int aRowStride, int aColumnStride, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, TileStart start,
        Span<float> c, int k, int n, int i, int rows, int j, int width)
    {
        Vector512<float> acc0, acc1, acc2, acc3;
        if (start == TileStart.C)
        {
            // Missing rows repeat the last real one, as their A rows do below.
            acc0 = LoadPartial(c, (i * n) + j, width);
            acc1 = rows > 1 ? LoadPartial(c, ((i + 1) * n) + j, width) : acc0;
            acc2 = rows > 2 ? LoadPartial(c, ((i + 2) * n) + j, width) : acc1;
            acc3 = rows > 3 ? LoadPartial(c, ((i + 3) * n) + j, width) : acc2;
        }
        else
        {
            acc0 = start == TileStart.Bias ? LoadPartial(bias, j, width) : Vector512<float>.Zero;
            acc1 = acc2 = acc3 = acc0;
        }

        ref float a0 = ref Unsafe.Add(ref aRef, (nint)i * aRowStride);
        ref float a1 = ref rows > 1 ? ref Unsafe.Add(ref a0, aRowStride) : ref a0;
        ref float a2 = ref rows > 2 ? ref Unsafe.Add(ref a1, aRowStride) : ref a1;
        ref float a3 = ref rows > 3 ? ref Unsafe.Add(ref a2, aRowStride) : ref a2;

        // Rows of B whose 16-lane load stays inside b: p·n + j + 16 ≤ b.Length.
        int safeRows = b.Length - j - VectorWidth < 0 ? 0 : Math.Min(k, ((b.Length - j - VectorWidth) / n) + 1);
        ref float bRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(b), j);
        nint aOffset = 0;
        int p = 0;
        for (; p < safeRows; p++)
        {
            Vector512<float> bv = Vector512.LoadUnsafe(ref bRow);
            acc0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a0, aOffset)), bv, acc0);
            acc1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a1, aOffset)), bv, acc1);
            acc2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a2, aOffset)), bv, acc2);
            acc3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a3, aOffset)), bv, acc3);
            aOffset += aColumnStride;
            bRow = ref Unsafe.Add(ref bRow, n);
        }

        for (; p < k; p++)
        {
            Vector512<float> bv = LoadPartial(b, (p * n) + j, width);
            acc0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a0, aOffset)), bv, acc0);
            acc1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a1, aOffset)), bv, acc1);
            acc2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a2, aOffset)), bv, acc2);
            acc3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a3, aOffset)), bv, acc3);
            aOffset += aColumnStride;
        }

        ref float cRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(c), ((nint)i * n) + j);
        Store(acc0, ref cRow, width);
        if (rows > 1)
        {
            Store(acc1, ref Unsafe.Add(ref cRow, n), width);
        }

        if (rows > 2)
        {
            Store(acc2, ref Unsafe.Add(ref cRow, 2 * n), width);
        }

        if (rows > 3)
        {
            Store(acc3, ref Unsafe.Add(ref cRow, 3 * n), width);
        }
    }

    /// <summary>Loads <paramref name="width"/> (≤ 16) floats from source[start…], zeros in the other lanes.</summary>
    /// <remarks>
    /// No call and no stackalloc: a call inside a tile's loop would make the JIT keep every accumulator
    /// in memory (vector registers do not survive calls), which costs more than the whole partial load.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> LoadPartial(ReadOnlySpan<float> source, int start, int width)
    {
        if (width == VectorWidth)
        {
            return Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)start);
        }

        Lanes padded = default;
        ref float from = ref Unsafe.Add(ref MemoryMarshal.GetReference(source.Slice(start, width)), 0);
        for (int q = 0; q < width; q++)
        {
            padded[q] = Unsafe.Add(ref from, q);
        }

        return Vector512.LoadUnsafe(ref padded[0]);
    }

    /// <summary>Stores the first <paramref name="width"/> (≤ 16) lanes; the memory after them is not touched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(Vector512<float> value, ref float destination, int width)
    {
        if (width == VectorWidth)
        {
            value.StoreUnsafe(ref destination);
            return;
        }

        int q = 0;
        if (width >= 8)
        {
            value.GetLower().StoreUnsafe(ref destination);
            q = 8;
        }

        for (; q < width; q++)
        {
            Unsafe.Add(ref destination, q) = value.GetElement(q);
        }
    }

    /// <summary>The fallback for machines without any vector unit, and GemmVector's edge columns: the same fma chain per element, without bounds checks.</summary>
    internal static void Scalar(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, TileStart start,
        ref float cRef, int k, int n, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        for (int i = rowStart; i < rowEnd; i++)
        {
            ref float aRow = ref Unsafe.Add(ref aRef, (nint)i * aRowStride);
            ref float cRow = ref Unsafe.Add(ref cRef, (nint)i * n);
            for (int j = columnStart; j < columnEnd; j++)
            {
                float sum = start switch
                {
                    TileStart.C => Unsafe.Add(ref cRow, j),
                    TileStart.Bias => Unsafe.Add(ref biasRef, j),
                    _ => 0f,
                };
                ref float bColumn = ref Unsafe.Add(ref bRef, j);
                nint aOffset = 0;
                nint bOffset = 0;
                for (int p = 0; p < k; p++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref aRow, aOffset), Unsafe.Add(ref bColumn, bOffset), sum);
                    aOffset += aColumnStride;
                    bOffset += n;
                }

                Unsafe.Add(ref cRow, j) = sum;
            }
        }
    }

    /// <summary>Sixteen floats on the stack without stackalloc, for building a partial vector.</summary>
    [InlineArray(VectorWidth)]
    private struct Lanes
    {
        private float _first;
    }
}
