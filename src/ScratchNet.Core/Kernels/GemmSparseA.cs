using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The product when op(A) is mostly exact zeros: the pixels of MNIST-like images (four in five are background) in a
/// first layer's forward pass and weight gradient. A zero term leaves the fma chain where it
/// was (fma(0, b, c) = c for finite b), so C[i, :] = Σ over the p with op(A)[i, p] ≠ 0 of op(A)[i, p]·B[p, :], summed in
/// the order of p, is the same chain as the dense kernels' — the same bits — at the cost of the non-zeros only.
/// </summary>
/// <remarks>
/// <para>
/// How fast a non-zero is added depends on where B sits. The forward pass (x·W, A row-major) reads W from L2, and
/// there the load of B's row, not the fma, sets the pace: 128 columns cost ~16 cycles alone, 8 of fma. So rows of A
/// go two at a time, compacted (AVX-512 compress) into the positions where either is non-zero, and each row of B
/// loaded there feeds both rows' fmas: twice the work per load at the price of the pair's union (~28 % of positions
/// on MNIST against 19 % for one row, 42 % for four). The weight gradient (xᵀ·dY, A stored transposed) reads dY, a
/// few KB that stay in L1, so each row of op(A) — one pixel across the batch — runs alone and skips every zero:
/// a bit mask of the batch rows where the pixel is non-zero, built 16 pixels at a time from x's rows.
/// </para>
/// <para>
/// Measured at the reference's first layer (32 × 784 × 128, 64 MNIST batches in turn, probe of 2026-11-26, one
/// thread): forward 24 µs and weight gradient 27 µs, against 33–35 and 45–47 for the previous four-row union, and
/// ~57 µs for the dense kernels. op(B) must be row-major (the forward pass and the weight gradient).
/// </para>
/// <para>
/// Exceptions to "the same bits", both outside training's arithmetic: a skipped zero does not turn an infinite or NaN
/// weight into NaN (0·∞), and a chain that stays at −0 until a skipped zero keeps −0 where the dense chain gives +0.
/// </para>
/// </remarks>
internal static class GemmSparseA
{
    /// <summary>
    /// The most non-zeros, as a share of op(A), at which skipping the zeros pays. Measured (probe, 2026-11-26, one thread):
    /// at 30 % the sparse engine still ran 128 × 512 × 512 1.16× as fast as the dense one; at 50 % (activations after ReLU)
    /// a pair's union is three quarters dense and it loses; MNIST pixels are 19 %, Fashion-MNIST's about 50 %.
    /// </summary>
    public const double MaxDensity = 0.3;

    private const int Lanes = 16;

    /// <summary>Batch rows one mask word covers, in the weight gradient's layout.</summary>
    private const int MaskBits = 32;

    [ThreadStatic]
    private static int[]? t_positions;

    [ThreadStatic]
    private static float[]? t_first;

    [ThreadStatic]
    private static float[]? t_second;

    [ThreadStatic]
    private static uint[]? t_masks;

    /// <summary>
    /// True when the product can skip op(A)'s zeros and enough of them are zeros to pay: AVX-512, op(B) row-major, at
    /// least one vector of columns, and at most <see cref="MaxDensity"/> of A non-zero (counted here, m·k compares).
    /// </summary>
    public static bool Suits(ReadOnlySpan<float> a, bool transposeA, bool transposeB, int m, int k, int n)
    {
        if (!Vector512.IsHardwareAccelerated || !Avx512F.IsSupported || transposeB || n < Lanes || k < Lanes || m == 0)
        {
            return false;
        }

        return NonZeros(a[..(m * k)]) <= MaxDensity * m * k;
    }

    // op(A): (m, k), mostly zeros, A stored (m, k) or (k, m) · B: (k, n) row-major · bias: (n) or empty · C: (m, n)
    /// <summary>Rows [rowStart, rowEnd) × columns [columnStart, columnEnd) of C (+)= op(A)·B [+ bias], zeros of op(A) skipped.</summary>
    public static void Run(in Operands op, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        if (op.TransposedB)
        {
            throw new ArgumentException("the sparse kernel reads op(B) row-major; transpose it first");
        }

        if (op.TransposedA)
        {
            RunTransposed(op, rowStart, rowEnd, columnStart, columnEnd);
        }
        else
        {
            RunPairs(op, rowStart, rowEnd, columnStart, columnEnd);
        }
    }

    // A: (m, k) row-major. Rows two at a time over the positions where either is non-zero.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    private static void RunPairs(in Operands op, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        int k = op.K, n = op.N;
        Span<int> positions = Scratch(ref t_positions, k + Lanes);
        Span<float> first = Scratch(ref t_first, k + Lanes);
        Span<float> second = Scratch(ref t_second, k + Lanes);
        ref float b = ref MemoryMarshal.GetReference(op.B);
        for (int i = rowStart; i < rowEnd; i += 2)
        {
            // A lone last row is paired with itself; its copy is computed and not stored.
            bool pair = i + 1 < rowEnd;
            int count = CompactPair(op.A, i, pair ? i + 1 : i, k, n, positions, first, second);
            int j = columnStart;
            for (; j + (8 * Lanes) <= columnEnd; j += 8 * Lanes)
            {
                Pair128(op, ref b, positions, first, second, count, i, pair, j);
            }

            for (; j + Lanes <= columnEnd; j += Lanes)
            {
                Pair16(op, ref b, positions, first, second, count, i, pair, j);
            }

            for (; j < columnEnd; j++)
            {
                TailColumn(op, ref b, positions, first, count, i, j);
                if (pair)
                {
                    TailColumn(op, ref b, positions, second, count, i + 1, j);
                }
            }
        }
    }

    // a: A (m, k) row-major, rows i0 and i1 → positions: the p where either is non-zero, in order, as offsets p·n into B ·
    // first, second: the two rows' values there (zeros included: fma(0, b, c) = c too). −0 counts as zero; NaN is kept,
    // so it still spreads. Each list holds up to 15 values past count: whole vectors are stored.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CompactPair(ReadOnlySpan<float> a, int i0, int i1, int k, int n, Span<int> positions, Span<float> first, Span<float> second)
    {
        ref float r0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i0 * k);
        ref float r1 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i1 * k);
        ref int at = ref MemoryMarshal.GetReference(positions);
        ref float v0 = ref MemoryMarshal.GetReference(first);
        ref float v1 = ref MemoryMarshal.GetReference(second);
        Vector512<int> offsets = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) * n;
        Vector512<int> step = Vector512.Create(Lanes * n);
        int count = 0, p = 0;
        for (; p + Lanes <= k; p += Lanes)
        {
            Vector512<float> x0 = Vector512.LoadUnsafe(ref r0, (nuint)p), x1 = Vector512.LoadUnsafe(ref r1, (nuint)p);
            Vector512<float> any = ~(Vector512.Equals(x0, Vector512<float>.Zero) & Vector512.Equals(x1, Vector512<float>.Zero));
            Avx512F.Compress(Vector512<float>.Zero, any, x0).StoreUnsafe(ref v0, (nuint)count);
            Avx512F.Compress(Vector512<float>.Zero, any, x1).StoreUnsafe(ref v1, (nuint)count);
            Avx512F.Compress(Vector512<int>.Zero, any.AsInt32(), offsets).StoreUnsafe(ref at, (nuint)count);
            count += BitOperations.PopCount(any.ExtractMostSignificantBits());
            offsets += step;
        }

        for (; p < k; p++)
        {
            float x0 = Unsafe.Add(ref r0, p), x1 = Unsafe.Add(ref r1, p);
            if (x0 != 0f || x1 != 0f)
            {
                Unsafe.Add(ref at, count) = p * n;
                Unsafe.Add(ref v0, count) = x0;
                Unsafe.Add(ref v1, count) = x1;
                count++;
            }
        }

        return count;
    }

    // Columns j … j + 127 of rows i and i + 1 of C: 2 rows × 8 vectors of sums, each B load used by both rows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair128(in Operands op, ref float b, ReadOnlySpan<int> positions, ReadOnlySpan<float> first, ReadOnlySpan<float> second, int count, int i, bool pair, int j)
    {
        Vector512<float> c0 = StartVector(op, i, j), c1 = StartVector(op, i, j + 16), c2 = StartVector(op, i, j + 32), c3 = StartVector(op, i, j + 48);
        Vector512<float> c4 = StartVector(op, i, j + 64), c5 = StartVector(op, i, j + 80), c6 = StartVector(op, i, j + 96), c7 = StartVector(op, i, j + 112);
        int i1 = pair ? i + 1 : i;
        Vector512<float> d0 = StartVector(op, i1, j), d1 = StartVector(op, i1, j + 16), d2 = StartVector(op, i1, j + 32), d3 = StartVector(op, i1, j + 48);
        Vector512<float> d4 = StartVector(op, i1, j + 64), d5 = StartVector(op, i1, j + 80), d6 = StartVector(op, i1, j + 96), d7 = StartVector(op, i1, j + 112);
        ref int p = ref MemoryMarshal.GetReference(positions);
        ref float v0 = ref MemoryMarshal.GetReference(first);
        ref float v1 = ref MemoryMarshal.GetReference(second);
        ref float bj = ref Unsafe.Add(ref b, j);
        for (int e = 0; e < count; e++)
        {
            ref float row = ref Unsafe.Add(ref bj, Unsafe.Add(ref p, e));
            var a0 = Vector512.Create(Unsafe.Add(ref v0, e));
            var a1 = Vector512.Create(Unsafe.Add(ref v1, e));
            Vector512<float> b0 = Vector512.LoadUnsafe(ref row, 0), b1 = Vector512.LoadUnsafe(ref row, 16);
            Vector512<float> b2 = Vector512.LoadUnsafe(ref row, 32), b3 = Vector512.LoadUnsafe(ref row, 48);
            c0 = Vector512.FusedMultiplyAdd(a0, b0, c0);
            d0 = Vector512.FusedMultiplyAdd(a1, b0, d0);
            c1 = Vector512.FusedMultiplyAdd(a0, b1, c1);
            d1 = Vector512.FusedMultiplyAdd(a1, b1, d1);
            c2 = Vector512.FusedMultiplyAdd(a0, b2, c2);
            d2 = Vector512.FusedMultiplyAdd(a1, b2, d2);
            c3 = Vector512.FusedMultiplyAdd(a0, b3, c3);
            d3 = Vector512.FusedMultiplyAdd(a1, b3, d3);
            b0 = Vector512.LoadUnsafe(ref row, 64);
            b1 = Vector512.LoadUnsafe(ref row, 80);
            b2 = Vector512.LoadUnsafe(ref row, 96);
            b3 = Vector512.LoadUnsafe(ref row, 112);
            c4 = Vector512.FusedMultiplyAdd(a0, b0, c4);
            d4 = Vector512.FusedMultiplyAdd(a1, b0, d4);
            c5 = Vector512.FusedMultiplyAdd(a0, b1, c5);
            d5 = Vector512.FusedMultiplyAdd(a1, b1, d5);
            c6 = Vector512.FusedMultiplyAdd(a0, b2, c6);
            d6 = Vector512.FusedMultiplyAdd(a1, b2, d6);
            c7 = Vector512.FusedMultiplyAdd(a0, b3, c7);
            d7 = Vector512.FusedMultiplyAdd(a1, b3, d7);
        }

        Store(op, i, j, c0, c1, c2, c3);
        Store(op, i, j + 64, c4, c5, c6, c7);
        if (pair)
        {
            Store(op, i + 1, j, d0, d1, d2, d3);
            Store(op, i + 1, j + 64, d4, d5, d6, d7);
        }
    }

    // Columns j … j + 15 of rows i and i + 1 of C.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair16(in Operands op, ref float b, ReadOnlySpan<int> positions, ReadOnlySpan<float> first, ReadOnlySpan<float> second, int count, int i, bool pair, int j)
    {
        Vector512<float> c = StartVector(op, i, j), d = StartVector(op, pair ? i + 1 : i, j);
        ref float bj = ref Unsafe.Add(ref b, j);
        for (int e = 0; e < count; e++)
        {
            Vector512<float> row = Vector512.LoadUnsafe(ref Unsafe.Add(ref bj, positions[e]));
            c = Vector512.FusedMultiplyAdd(Vector512.Create(first[e]), row, c);
            d = Vector512.FusedMultiplyAdd(Vector512.Create(second[e]), row, d);
        }

        c.StoreUnsafe(ref RowOfC(op, i), (nuint)j);
        if (pair)
        {
            d.StoreUnsafe(ref RowOfC(op, i + 1), (nuint)j);
        }
    }

    // The last few columns, one chain each: the same fma as a vector lane's.
    private static void TailColumn(in Operands op, ref float b, ReadOnlySpan<int> positions, ReadOnlySpan<float> values, int count, int i, int j)
    {
        ref float c = ref Unsafe.Add(ref RowOfC(op, i), j);
        float sum = op.Accumulate ? c : op.Bias.IsEmpty ? 0f : op.Bias[j];
        for (int e = 0; e < count; e++)
        {
            sum = MathF.FusedMultiplyAdd(values[e], Unsafe.Add(ref b, positions[e] + j), sum);
        }

        c = sum;
    }

    // A: (k, m), op(A) = Aᵀ: row i of op(A) is column i of A (in the weight gradient, one pixel across the batch).
    // Each row runs alone over the p where it is non-zero, read from a bit mask; B (dY) is small and stays in L1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    private static void RunTransposed(in Operands op, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        int k = op.K, n = op.N, words = (k + MaskBits - 1) / MaskBits;
        Span<uint> masks = Scratch(ref t_masks, words * Lanes);
        ref float b = ref MemoryMarshal.GetReference(op.B);
        for (int i0 = rowStart; i0 < rowEnd; i0 += Lanes)
        {
            int rows = Math.Min(Lanes, rowEnd - i0);
            NonZeroMasks(op.A, i0, rows, k, op.M, masks);
            for (int r = 0; r < rows; r++)
            {
                int i = i0 + r;
                ref float column = ref Unsafe.Add(ref MemoryMarshal.GetReference(op.A), i);
                int j = columnStart;
                for (; j + (8 * Lanes) <= columnEnd; j += 8 * Lanes)
                {
                    Row128(op, ref b, ref column, masks, r, i, j);
                }

                for (; j + Lanes <= columnEnd; j += Lanes)
                {
                    Row16(op, ref b, ref column, masks, r, i, j);
                }

                for (; j < columnEnd; j++)
                {
                    ref float c = ref Unsafe.Add(ref RowOfC(op, i), j);
                    float sum = op.Accumulate ? c : op.Bias.IsEmpty ? 0f : op.Bias[j];
                    for (int w = 0; w < masks.Length / Lanes; w++)
                    {
                        for (uint bits = masks[(w * Lanes) + r]; bits != 0; bits &= bits - 1)
                        {
                            int p = (w * MaskBits) + BitOperations.TrailingZeroCount(bits);
                            sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref column, p * op.M), Unsafe.Add(ref b, (p * n) + j), sum);
                        }
                    }

                    c = sum;
                }
            }
        }
    }

    // a: A (k, m) · columns i0 … i0 + rows − 1 (rows ≤ 16) → masks[w·16 + r]: bit t set where A[w·32 + t, i0 + r] is
    // non-zero (−0 counts as zero, NaN as non-zero). Sixteen columns are one load of each row of A.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NonZeroMasks(ReadOnlySpan<float> a, int i0, int rows, int k, int m, Span<uint> masks)
    {
        ref float start = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i0);
        if (i0 + Lanes <= m)
        {
            // Lanes past `rows` read the next part's columns, never past the row: their masks are built and unused.
            for (int w = 0; w * MaskBits < k; w++)
            {
                Vector512<uint> word = Vector512<uint>.Zero;
                int bits = Math.Min(MaskBits, k - (w * MaskBits));
                ref float p = ref Unsafe.Add(ref start, w * MaskBits * m);
                for (int t = 0; t < bits; t++)
                {
                    Vector512<uint> zero = Vector512.Equals(Vector512.LoadUnsafe(ref p), Vector512<float>.Zero).AsUInt32();
                    word |= Vector512.AndNot(Vector512.Create(1u << t), zero);
                    p = ref Unsafe.Add(ref p, m);
                }

                word.StoreUnsafe(ref MemoryMarshal.GetReference(masks), (nuint)(w * Lanes));
            }

            return;
        }

        masks.Clear();
        for (int p = 0; p < k; p++)
        {
            for (int r = 0; r < rows; r++)
            {
                if (Unsafe.Add(ref start, (p * m) + r) != 0f)
                {
                    masks[((p / MaskBits) * Lanes) + r] |= 1u << (p % MaskBits);
                }
            }
        }
    }

    // Columns j … j + 127 of row i of C, over the p set in row r's masks; column: op(A)[i, 0], op(A)[i, p] at p·m from it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row128(in Operands op, ref float b, ref float column, ReadOnlySpan<uint> masks, int r, int i, int j)
    {
        Vector512<float> c0 = StartVector(op, i, j), c1 = StartVector(op, i, j + 16), c2 = StartVector(op, i, j + 32), c3 = StartVector(op, i, j + 48);
        Vector512<float> c4 = StartVector(op, i, j + 64), c5 = StartVector(op, i, j + 80), c6 = StartVector(op, i, j + 96), c7 = StartVector(op, i, j + 112);
        int m = op.M, n = op.N, words = masks.Length / Lanes;
        ref float bj = ref Unsafe.Add(ref b, j);
        ref uint mask = ref Unsafe.Add(ref MemoryMarshal.GetReference(masks), r);
        for (int w = 0; w < words; w++)
        {
            for (uint bits = Unsafe.Add(ref mask, w * Lanes); bits != 0; bits &= bits - 1)
            {
                int p = (w * MaskBits) + BitOperations.TrailingZeroCount(bits);
                var a = Vector512.Create(Unsafe.Add(ref column, p * m));
                ref float row = ref Unsafe.Add(ref bj, p * n);
                c0 = Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref row, 0), c0);
                c1 = Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref row, 16), c1);
                c2 = Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref row, 32), c2);
                c3 = Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref row, 48), c3);
                c4 = Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref row, 64), c4);
                c5 = Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref row, 80), c5);
                c6 = Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref row, 96), c6);
                c7 = Vector512.FusedMultiplyAdd(a, Vector512.LoadUnsafe(ref row, 112), c7);
            }
        }

        Store(op, i, j, c0, c1, c2, c3);
        Store(op, i, j + 64, c4, c5, c6, c7);
    }

    // Columns j … j + 15 of row i of C.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row16(in Operands op, ref float b, ref float column, ReadOnlySpan<uint> masks, int r, int i, int j)
    {
        Vector512<float> c = StartVector(op, i, j);
        int m = op.M, n = op.N;
        for (int w = 0; w < masks.Length / Lanes; w++)
        {
            for (uint bits = masks[(w * Lanes) + r]; bits != 0; bits &= bits - 1)
            {
                int p = (w * MaskBits) + BitOperations.TrailingZeroCount(bits);
                c = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref column, p * m)), Vector512.LoadUnsafe(ref b, (nuint)((p * n) + j)), c);
            }
        }

        c.StoreUnsafe(ref RowOfC(op, i), (nuint)j);
    }

    // Where the chains of row i, columns j … j + 15, start: C's own values when accumulating, else the bias, else 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> StartVector(in Operands op, int i, int j) =>
        op.Accumulate ? Vector512.LoadUnsafe(ref RowOfC(op, i), (nuint)j)
        : op.Bias.IsEmpty ? default : Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(op.Bias), (nuint)j);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(in Operands op, int i, int j, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3)
    {
        ref float c = ref Unsafe.Add(ref RowOfC(op, i), j);
        s0.StoreUnsafe(ref c, 0);
        s1.StoreUnsafe(ref c, 16);
        s2.StoreUnsafe(ref c, 32);
        s3.StoreUnsafe(ref c, 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float RowOfC(in Operands op, int i) => ref Unsafe.Add(ref MemoryMarshal.GetReference(op.C), i * op.N);

    // Non-zeros in a, −0 counted as zero.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long NonZeros(ReadOnlySpan<float> a)
    {
        long zeros = 0;
        int i = 0;
        ref float r = ref MemoryMarshal.GetReference(a);
        for (; i + Lanes <= a.Length; i += Lanes)
        {
            zeros += BitOperations.PopCount(Vector512.Equals(Vector512.LoadUnsafe(ref r, (nuint)i), Vector512<float>.Zero).ExtractMostSignificantBits());
        }

        for (; i < a.Length; i++)
        {
            zeros += Unsafe.Add(ref r, i) == 0f ? 1 : 0;
        }

        return a.Length - zeros;
    }

    private static Span<T> Scratch<T>(ref T[]? held, int length) => (held is { } array && array.Length >= length ? array : held = new T[length]).AsSpan(0, length);
}
