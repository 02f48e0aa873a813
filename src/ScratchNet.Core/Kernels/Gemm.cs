using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The one register-tiled matrix product every dense kernel reduces to:
/// C (m, n) = A (m, k) · B (k, n) [+ bias broadcast over rows], C overwritten.
/// B and C are row-major with row stride n. A is reached through two strides, so the same
/// micro-kernel serves x (stride in, 1) and xᵀ (stride 1, in) without materialising a transpose.
/// </summary>
/// <remarks>
/// The hot tile is 4 rows × 64 columns: 16 Vector512 accumulators stay in registers for the whole
/// k loop, each step loading 4 vectors of B and broadcasting 4 scalars of A for 16 FMAs.
/// Each output element is reduced over k in order by one thread, so results do not depend on how
/// the rows or columns are split between threads.
/// </remarks>
internal static class Gemm
{
    private const int RowTile = 4;
    private const int VectorWidth = 16;
    private const int ColumnTile = 4 * VectorWidth;

    /// <summary>Computes rows [rowStart, rowEnd) × columns [columnStart, columnEnd) of C.</summary>
    public static void Run(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride,
        ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c,
        int k, int n, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            Scalar(a, aRowStride, aColumnStride, b, bias, c, k, n, rowStart, rowEnd, columnStart, columnEnd);
            return;
        }

        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float bRef = ref MemoryMarshal.GetReference(b);
        ref float biasRef = ref MemoryMarshal.GetReference(bias);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        bool hasBias = !bias.IsEmpty;

        int vectorEnd = columnStart + ((columnEnd - columnStart) / VectorWidth * VectorWidth);
        int tileEnd = columnStart + ((columnEnd - columnStart) / ColumnTile * ColumnTile);
        int i = rowStart;
        for (; i + RowTile <= rowEnd; i += RowTile)
        {
            for (int j = columnStart; j < tileEnd; j += ColumnTile)
            {
                Tile4x64(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, hasBias, ref cRef, k, n, i, j);
            }

            for (int r = i; r < i + RowTile; r++)
            {
                for (int j = tileEnd; j < vectorEnd; j += VectorWidth)
                {
                    Tile1x16(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, hasBias, ref cRef, k, n, r, j);
                }
            }
        }

        for (int r = i; r < rowEnd; r++)
        {
            for (int j = columnStart; j < vectorEnd; j += VectorWidth)
            {
                Tile1x16(ref aRef, aRowStride, aColumnStride, ref bRef, ref biasRef, hasBias, ref cRef, k, n, r, j);
            }
        }

        if (vectorEnd < columnEnd)
        {
            Scalar(a, aRowStride, aColumnStride, b, bias, c, k, n, rowStart, rowEnd, vectorEnd, columnEnd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x64(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, bool hasBias,
        ref float cRef, int k, int n, int i, int j)
    {
        Vector512<float> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (hasBias)
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

        ref float cRow = ref Unsafe.Add(ref cRef, ((nint)i * n) + j);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile1x16(
        ref float aRef, int aRowStride, int aColumnStride, ref float bRef, ref float biasRef, bool hasBias,
        ref float cRef, int k, int n, int i, int j)
    {
        Vector512<float> acc = hasBias ? Vector512.LoadUnsafe(ref biasRef, (nuint)j) : Vector512<float>.Zero;
        ref float aRow = ref Unsafe.Add(ref aRef, (nint)i * aRowStride);
        ref float bRow = ref Unsafe.Add(ref bRef, j);
        nint aOffset = 0;
        for (int p = 0; p < k; p++)
        {
            acc = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref aRow, aOffset)), Vector512.LoadUnsafe(ref bRow), acc);
            aOffset += aColumnStride;
            bRow = ref Unsafe.Add(ref bRow, n);
        }

        acc.StoreUnsafe(ref Unsafe.Add(ref cRef, ((nint)i * n) + j));
    }

    /// <summary>The fallback for machines without Vector512 and for the last columns that do not fill a vector.</summary>
    private static void Scalar(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride, ReadOnlySpan<float> b, ReadOnlySpan<float> bias,
        Span<float> c, int k, int n, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        for (int i = rowStart; i < rowEnd; i++)
        {
            for (int j = columnStart; j < columnEnd; j++)
            {
                float sum = bias.IsEmpty ? 0f : bias[j];
                int aIndex = i * aRowStride;
                int bIndex = j;
                for (int p = 0; p < k; p++)
                {
                    sum = MathF.FusedMultiplyAdd(a[aIndex], b[bIndex], sum);
                    aIndex += aColumnStride;
                    bIndex += n;
                }

                c[(i * n) + j] = sum;
            }
        }
    }
}
