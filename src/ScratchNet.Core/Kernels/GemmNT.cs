using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The matrix product with a transposed right operand, read in place:
/// C (m, n) = A (m, k) · Bᵀ where B is (n, k) row-major, C overwritten. BackwardInput is this product
/// with A = dY and B = W, so W never has to be transposed into scratch.
/// </summary>
/// <remarks>
/// Both operands are walked along their contiguous k axis: a 4 × 4 tile keeps 16 Vector512
/// accumulators of lane-wise partial dot products, then folds them into one vector with a fixed
/// shuffle-and-add tree (unpack, shuffle, 128-bit lane shuffles) and stores 4 rows of 4 results.
/// A k that is not a multiple of 16 ends with one masked step (both operands' extra lanes zeroed).
/// Missing rows or columns at the edges repeat the last real one and are not stored, so every element
/// goes through the same lanes and the same tree whichever tile or thread computes it: results do
/// not depend on how rows or columns are split.
/// </remarks>
internal static class GemmNT
{
    private const int Tile = 4;
    private const int VectorWidth = 16;

    /// <summary>Computes rows [rowStart, rowEnd) × columns [columnStart, columnEnd) of C.</summary>
    // Compiled fully optimised on first call: tier-0 code of these loops made the first epoch ~3x slower
    // than the rest (0.65 s against 0.22 s), which is most of a short run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int k, int n, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        if (!Avx512F.IsSupported)
        {
            Scalar(a, b, c, k, n, rowStart, rowEnd, columnStart, columnEnd);
            return;
        }

        for (int i = rowStart; i < rowEnd; i += Tile)
        {
            int rows = Math.Min(Tile, rowEnd - i);
            for (int j = columnStart; j < columnEnd; j += Tile)
            {
                Tile4x4(a, b, c, k, n, i, rows, j, Math.Min(Tile, columnEnd - j));
            }
        }
    }

    private static void Tile4x4(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int k, int n, int i, int rows, int j, int columns)
    {
        // Row starts in A and B; missing ones repeat the last real one.
        int a0 = i * k, a1 = a0 + (rows > 1 ? k : 0), a2 = a1 + (rows > 2 ? k : 0), a3 = a2 + (rows > 3 ? k : 0);
        int b0 = j * k, b1 = b0 + (columns > 1 ? k : 0), b2 = b1 + (columns > 2 ? k : 0), b3 = b2 + (columns > 3 ? k : 0);
        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float bRef = ref MemoryMarshal.GetReference(b);

        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;

        int full = k / VectorWidth * VectorWidth;
        for (int p = 0; p < full; p += VectorWidth)
        {
            Vector512<float> x0 = Vector512.LoadUnsafe(ref aRef, (nuint)(a0 + p));
            Vector512<float> x1 = Vector512.LoadUnsafe(ref aRef, (nuint)(a1 + p));
            Vector512<float> x2 = Vector512.LoadUnsafe(ref aRef, (nuint)(a2 + p));
            Vector512<float> x3 = Vector512.LoadUnsafe(ref aRef, (nuint)(a3 + p));
            Vector512<float> y0 = Vector512.LoadUnsafe(ref bRef, (nuint)(b0 + p));
            Vector512<float> y1 = Vector512.LoadUnsafe(ref bRef, (nuint)(b1 + p));
            Vector512<float> y2 = Vector512.LoadUnsafe(ref bRef, (nuint)(b2 + p));
            Vector512<float> y3 = Vector512.LoadUnsafe(ref bRef, (nuint)(b3 + p));
            c00 = Vector512.FusedMultiplyAdd(x0, y0, c00);
            c01 = Vector512.FusedMultiplyAdd(x0, y1, c01);
            c02 = Vector512.FusedMultiplyAdd(x0, y2, c02);
            c03 = Vector512.FusedMultiplyAdd(x0, y3, c03);
            c10 = Vector512.FusedMultiplyAdd(x1, y0, c10);
            c11 = Vector512.FusedMultiplyAdd(x1, y1, c11);
            c12 = Vector512.FusedMultiplyAdd(x1, y2, c12);
            c13 = Vector512.FusedMultiplyAdd(x1, y3, c13);
            c20 = Vector512.FusedMultiplyAdd(x2, y0, c20);
            c21 = Vector512.FusedMultiplyAdd(x2, y1, c21);
            c22 = Vector512.FusedMultiplyAdd(x2, y2, c22);
            c23 = Vector512.FusedMultiplyAdd(x2, y3, c23);
            c30 = Vector512.FusedMultiplyAdd(x3, y0, c30);
            c31 = Vector512.FusedMultiplyAdd(x3, y1, c31);
            c32 = Vector512.FusedMultiplyAdd(x3, y2, c32);
            c33 = Vector512.FusedMultiplyAdd(x3, y3, c33);
        }

        if (full < k)
        {
            // The masked last step: lanes past k are zero in both operands (0 · 0 adds nothing). Its 16 FMAs
            // repeat the loop body on purpose: a shared helper would take the accumulators by reference and
            // force them out of registers.
            int width = k - full;
            Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(width)).AsSingle();
            Vector512<float> x0 = LoadMasked(a, a0 + full, width, mask);
            Vector512<float> x1 = LoadMasked(a, a1 + full, width, mask);
            Vector512<float> x2 = LoadMasked(a, a2 + full, width, mask);
            Vector512<float> x3 = LoadMasked(a, a3 + full, width, mask);
            Vector512<float> y0 = LoadMasked(b, b0 + full, width, mask);
            Vector512<float> y1 = LoadMasked(b, b1 + full, width, mask);
            Vector512<float> y2 = LoadMasked(b, b2 + full, width, mask);
            Vector512<float> y3 = LoadMasked(b, b3 + full, width, mask);
            c00 = Vector512.FusedMultiplyAdd(x0, y0, c00);
            c01 = Vector512.FusedMultiplyAdd(x0, y1, c01);
            c02 = Vector512.FusedMultiplyAdd(x0, y2, c02);
            c03 = Vector512.FusedMultiplyAdd(x0, y3, c03);
            c10 = Vector512.FusedMultiplyAdd(x1, y0, c10);
            c11 = Vector512.FusedMultiplyAdd(x1, y1, c11);
            c12 = Vector512.FusedMultiplyAdd(x1, y2, c12);
            c13 = Vector512.FusedMultiplyAdd(x1, y3, c13);
            c20 = Vector512.FusedMultiplyAdd(x2, y0, c20);
            c21 = Vector512.FusedMultiplyAdd(x2, y1, c21);
            c22 = Vector512.FusedMultiplyAdd(x2, y2, c22);
            c23 = Vector512.FusedMultiplyAdd(x2, y3, c23);
            c30 = Vector512.FusedMultiplyAdd(x3, y0, c30);
            c31 = Vector512.FusedMultiplyAdd(x3, y1, c31);
            c32 = Vector512.FusedMultiplyAdd(x3, y2, c32);
            c33 = Vector512.FusedMultiplyAdd(x3, y3, c33);
        }

        // Fold: each row's four accumulators become one vector whose 128-bit lane L holds the four
        // partial sums of lane group L; then the four row vectors become one vector, 128-bit lane r = row r.
        Vector512<float> r0 = FoldRow(c00, c01, c02, c03);
        Vector512<float> r1 = FoldRow(c10, c11, c12, c13);
        Vector512<float> r2 = FoldRow(c20, c21, c22, c23);
        Vector512<float> r3 = FoldRow(c30, c31, c32, c33);
        Vector512<float> s01 = Avx512F.Shuffle4x128(r0, r1, 0x88) + Avx512F.Shuffle4x128(r0, r1, 0xDD);
        Vector512<float> s23 = Avx512F.Shuffle4x128(r2, r3, 0x88) + Avx512F.Shuffle4x128(r2, r3, 0xDD);
        Vector512<float> tile = Avx512F.Shuffle4x128(s01, s23, 0x88) + Avx512F.Shuffle4x128(s01, s23, 0xDD);

        ref float cRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(c), (i * n) + j);
        StoreRow(tile.GetLower().GetLower(), ref cRow, columns);
        if (rows > 1)
        {
            StoreRow(tile.GetLower().GetUpper(), ref Unsafe.Add(ref cRow, n), columns);
        }

        if (rows > 2)
        {
            StoreRow(tile.GetUpper().GetLower(), ref Unsafe.Add(ref cRow, 2 * n), columns);
        }

        if (rows > 3)
        {
            StoreRow(tile.GetUpper().GetUpper(), ref Unsafe.Add(ref cRow, 3 * n), columns);
        }
    }

    /// <summary>
    /// (v0, v1, v2, v3) → w with w[4L + q] = Σ over the 4 lanes of 128-bit group L of v_q.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FoldRow(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
    {
        // Per 128-bit group: [v0₀+v0₂, v1₀+v1₂, v0₁+v0₃, v1₁+v1₃].
        Vector512<float> t01 = Avx512F.UnpackLow(v0, v1) + Avx512F.UnpackHigh(v0, v1);
        Vector512<float> t23 = Avx512F.UnpackLow(v2, v3) + Avx512F.UnpackHigh(v2, v3);

        // Per 128-bit group: [Σv0, Σv1, Σv2, Σv3].
        return Avx512F.Shuffle(t01, t23, 0x44) + Avx512F.Shuffle(t01, t23, 0xEE);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LoadMasked(ReadOnlySpan<float> source, int start, int width, Vector512<float> mask)
    {
        // Inside the span the lanes past width hold the next row's values; the mask zeroes them.
        return start + VectorWidth <= source.Length
            ? Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)start) & mask
            : Gemm.LoadPartial(source, start, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector128<float> values, ref float destination, int columns)
    {
        if (columns == Tile)
        {
            values.StoreUnsafe(ref destination);
            return;
        }

        for (int q = 0; q < columns; q++)
        {
            Unsafe.Add(ref destination, q) = values.GetElement(q);
        }
    }

    /// <summary>The fallback without AVX-512: one fma chain per element along k.</summary>
    private static void Scalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int k, int n, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float bRef = ref MemoryMarshal.GetReference(b);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        for (int i = rowStart; i < rowEnd; i++)
        {
            ref float aRow = ref Unsafe.Add(ref aRef, (nint)i * k);
            for (int j = columnStart; j < columnEnd; j++)
            {
                ref float bRow = ref Unsafe.Add(ref bRef, (nint)j * k);
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref aRow, p), Unsafe.Add(ref bRow, p), sum);
                }

                Unsafe.Add(ref cRef, ((nint)i * n) + j) = sum;
            }
        }
    }
}
