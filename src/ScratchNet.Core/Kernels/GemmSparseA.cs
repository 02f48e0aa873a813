using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The product when op(A) is mostly exact zeros: the pixels of MNIST-like images (four in five are background) in a
/// first layer's forward pass and weight gradient. A zero term leaves the fma chain where it
/// was (fma(0, b, c) = c for finite b), so C[i, :] = Σ over the p with op(A)[i, p] ≠ 0 of op(A)[i, p]·B[p, :], summed in
/// the order of p, is the same chain as the dense kernels' — the same bits — at the cost of the non-zeros only.
/// </summary>
/// <remarks>
/// <para>
/// Rows of op(A) are taken four at a time and compacted into the positions where any of them is non-zero, with the
/// four values there (zeros included: fma(0, b, c) = c too); then, for 64 columns of C at a time held in 4 × 4 Vector512
/// registers, each such position loads its 64 values of B once and adds them, times its value, into all four rows. One
/// row at a time would skip every zero but load B once per fma, and from L2 that load, not the fma, sets the pace
/// (18 cycles per 128-column row, probe of 2026-11-26); four rows share each load, at the price of the union's zeros.
/// On MNIST pixels (19 % non-zero) the first layers' products run 1.8–2.2× as fast as the dense kernels. op(A) stored
/// transposed (xᵀ in the weight gradient) needs no copy: four of its rows are four neighbouring values of each row of x.
/// op(B) must be row-major (the forward pass and the weight gradient).
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
    /// four rows' union is nearly dense and it loses; MNIST pixels are 19 %, Fashion-MNIST's about 50 %.
    /// </summary>
    public const double MaxDensity = 0.3;

    /// <summary>Rows of C computed together: each load of B serves all of them.</summary>
    private const int Rows = 4;

    /// <summary>Columns of C one pass over the rows' non-zeros fills: four Vector512 accumulators a row, sixteen in all.</summary>
    private const int Block = 64;

    private const int Lanes = 16;

    [ThreadStatic]
    private static int[]? t_positions;

    [ThreadStatic]
    private static float[]? t_values;

    /// <summary>
    /// True when the product can skip op(A)'s zeros and enough of them are zeros to pay: AVX-512, op(B) row-major, at
    /// least one vector of columns, and at most <see cref="MaxDensity"/> of A non-zero (counted here, m·k compares).
    /// </summary>
    public static bool Suits(ReadOnlySpan<float> a, bool transposeA, bool transposeB, int m, int k, int n)
    {
        if (!Vector512.IsHardwareAccelerated || transposeB || n < Lanes || k < Lanes || m == 0)
        {
            return false;
        }

        return NonZeros(a[..(m * k)]) <= MaxDensity * m * k;
    }

    // op(A): (m, k), mostly zeros, A stored (m, k) or (k, m) · B: (k, n) row-major · bias: (n) or empty · C: (m, n)
    /// <summary>Rows [rowStart, rowEnd) × columns [columnStart, columnEnd) of C (+)= op(A)·B [+ bias], zeros of op(A) skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Run(in Operands op, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        if (op.TransposedB)
        {
            throw new ArgumentException("the sparse kernel reads op(B) row-major; transpose it first");
        }

        int k = op.K, n = op.N;
        Span<int> positions = Scratch(ref t_positions, k);
        Span<float> values = Scratch(ref t_values, Rows * k);
        ref float b = ref MemoryMarshal.GetReference(op.B);
        for (int i = rowStart; i < rowEnd; i += Rows)
        {
            int rows = Math.Min(Rows, rowEnd - i);
            int count = op.TransposedA ? CompactColumns(op.A, i, rows, k, op.M, n, positions, values) : Compact(op.A, i, rows, k, n, positions, values);
            int j = columnStart;
            for (; j + Block <= columnEnd; j += Block)
            {
                Columns64(op, ref b, positions, values, count, i, rows, j);
            }

            for (; j + Lanes <= columnEnd; j += Lanes)
            {
                Columns16(op, ref b, positions, values, count, i, rows, j);
            }

            for (int r = 0; r < rows; r++)
            {
                Span<float> c = op.C.Slice((i + r) * n, n);
                for (int jj = j; jj < columnEnd; jj++)
                {
                    // The last few columns, one chain each: the same fma as a vector lane's.
                    float sum = op.Accumulate ? c[jj] : op.Bias.IsEmpty ? 0f : op.Bias[jj];
                    for (int e = 0; e < count; e++)
                    {
                        sum = MathF.FusedMultiplyAdd(values[(e * Rows) + r], Unsafe.Add(ref b, positions[e] + jj), sum);
                    }

                    c[jj] = sum;
                }
            }
        }
    }

    // a: op(A) (m, k) · rows i … i + rows − 1 (rows ≤ 4) → positions: the p where any of them is non-zero, in order, as
    // offsets p·n into B · values: (count, 4), the four rows' values there (0 for a row that is zero there, or beyond rows)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Compact(ReadOnlySpan<float> a, int i, int rows, int k, int n, Span<int> positions, Span<float> values)
    {
        ref float r0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i * k);
        ref float r1 = ref Unsafe.Add(ref r0, rows > 1 ? k : 0);
        ref float r2 = ref Unsafe.Add(ref r0, rows > 2 ? 2 * k : 0);
        ref float r3 = ref Unsafe.Add(ref r0, rows > 3 ? 3 * k : 0);
        int count = 0, p = 0;
        for (; p + Lanes <= k; p += Lanes)
        {
            // −0 counts as zero (fma(−0, b, c) = c too); NaN is kept, so it still spreads.
            uint nonZero = NonZeroLanes(ref r0, p) | (rows > 1 ? NonZeroLanes(ref r1, p) : 0) | (rows > 2 ? NonZeroLanes(ref r2, p) : 0) | (rows > 3 ? NonZeroLanes(ref r3, p) : 0);
            while (nonZero != 0)
            {
                int at = p + BitOperations.TrailingZeroCount(nonZero);
                Put(positions, values, count++, at * n, rows, ref Unsafe.Add(ref r0, at), k);
                nonZero &= nonZero - 1;
            }
        }

        for (; p < k; p++)
        {
            if (AnyNonZero(ref Unsafe.Add(ref r0, p), rows, k))
            {
                Put(positions, values, count++, p * n, rows, ref Unsafe.Add(ref r0, p), k);
            }
        }

        return count;
    }

    // a: A stored (k, m), op(A) = Aᵀ · as Compact, for rows i … i + rows − 1 of op(A), which are columns of A: the four
    // values at p sit side by side in A's row p, so one 16-byte load per p gives them, with no transpose.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CompactColumns(ReadOnlySpan<float> a, int i, int rows, int k, int m, int n, Span<int> positions, Span<float> values)
    {
        ref float column = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i);
        ref float v = ref MemoryMarshal.GetReference(values);
        int count = 0;
        if (rows == Rows)
        {
            for (int p = 0; p < k; p++)
            {
                var four = Vector128.LoadUnsafe(ref Unsafe.Add(ref column, p * m));
                if (!Vector128.EqualsAll(four, Vector128<float>.Zero))
                {
                    positions[count] = p * n;
                    four.StoreUnsafe(ref Unsafe.Add(ref v, count * Rows));
                    count++;
                }
            }

            return count;
        }

        for (int p = 0; p < k; p++)
        {
            ref float at = ref Unsafe.Add(ref column, p * m);
            if (AnyNonZero(ref at, rows, 1))
            {
                Put(positions, values, count++, p * n, rows, ref at, 1);
            }
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint NonZeroLanes(ref float row, int p) =>
        (uint)~Vector512.Equals(Vector512.LoadUnsafe(ref row, (nuint)p), Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFF;

    // at: the rows' values at one p, row r at r·rowStride from it · true when any of the first `rows` is non-zero
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AnyNonZero(ref float at, int rows, int rowStride)
    {
        bool any = false;
        for (int r = 0; r < rows; r++)
        {
            any |= Unsafe.Add(ref at, r * rowStride) != 0f;
        }

        return any;
    }

    // Entry e of the list: B's row at `offset` (p·n), and the rows' values at p (as AnyNonZero reads them), 0 beyond `rows`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(Span<int> positions, Span<float> values, int e, int offset, int rows, ref float at, int rowStride)
    {
        positions[e] = offset;
        Span<float> four = values.Slice(e * Rows, Rows);
        four[0] = at;
        four[1] = rows > 1 ? Unsafe.Add(ref at, rowStride) : 0f;
        four[2] = rows > 2 ? Unsafe.Add(ref at, 2 * rowStride) : 0f;
        four[3] = rows > 3 ? Unsafe.Add(ref at, 3 * rowStride) : 0f;
    }

    // Columns j … j + 63 of rows i … i + rows − 1 of C: 4 rows × 4 vectors of sums, each B load used by four rows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns64(in Operands op, ref float b, ReadOnlySpan<int> positions, ReadOnlySpan<float> values, int count, int i, int rows, int j)
    {
        Start(op, i, rows, j, out Vector512<float> c00, out Vector512<float> c01, out Vector512<float> c02, out Vector512<float> c03, 0);
        Start(op, i, rows, j, out Vector512<float> c10, out Vector512<float> c11, out Vector512<float> c12, out Vector512<float> c13, 1);
        Start(op, i, rows, j, out Vector512<float> c20, out Vector512<float> c21, out Vector512<float> c22, out Vector512<float> c23, 2);
        Start(op, i, rows, j, out Vector512<float> c30, out Vector512<float> c31, out Vector512<float> c32, out Vector512<float> c33, 3);
        ref int p = ref MemoryMarshal.GetReference(positions);
        ref float v = ref MemoryMarshal.GetReference(values);
        ref float bj = ref Unsafe.Add(ref b, j);
        for (int e = 0; e < count; e++)
        {
            ref float row = ref Unsafe.Add(ref bj, Unsafe.Add(ref p, e));
            Vector512<float> b0 = Vector512.LoadUnsafe(ref row, 0), b1 = Vector512.LoadUnsafe(ref row, 16);
            Vector512<float> b2 = Vector512.LoadUnsafe(ref row, 32), b3 = Vector512.LoadUnsafe(ref row, 48);
            ref float four = ref Unsafe.Add(ref v, e * Rows);
            var a = Vector512.Create(four);
            c00 = Vector512.FusedMultiplyAdd(a, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(a, b2, c02);
            c03 = Vector512.FusedMultiplyAdd(a, b3, c03);
            a = Vector512.Create(Unsafe.Add(ref four, 1));
            c10 = Vector512.FusedMultiplyAdd(a, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(a, b2, c12);
            c13 = Vector512.FusedMultiplyAdd(a, b3, c13);
            a = Vector512.Create(Unsafe.Add(ref four, 2));
            c20 = Vector512.FusedMultiplyAdd(a, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(a, b2, c22);
            c23 = Vector512.FusedMultiplyAdd(a, b3, c23);
            a = Vector512.Create(Unsafe.Add(ref four, 3));
            c30 = Vector512.FusedMultiplyAdd(a, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(a, b2, c32);
            c33 = Vector512.FusedMultiplyAdd(a, b3, c33);
        }

        Store(op, i, rows, j, 0, c00, c01, c02, c03);
        Store(op, i, rows, j, 1, c10, c11, c12, c13);
        Store(op, i, rows, j, 2, c20, c21, c22, c23);
        Store(op, i, rows, j, 3, c30, c31, c32, c33);
    }

    // Columns j … j + 15 of rows i … i + rows − 1 of C.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns16(in Operands op, ref float b, ReadOnlySpan<int> positions, ReadOnlySpan<float> values, int count, int i, int rows, int j)
    {
        Vector512<float> c0 = StartVector(op, i, rows, j, 0), c1 = StartVector(op, i, rows, j, 1), c2 = StartVector(op, i, rows, j, 2), c3 = StartVector(op, i, rows, j, 3);
        ref float bj = ref Unsafe.Add(ref b, j);
        for (int e = 0; e < count; e++)
        {
            Vector512<float> row = Vector512.LoadUnsafe(ref Unsafe.Add(ref bj, positions[e]));
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(values[e * Rows]), row, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(values[(e * Rows) + 1]), row, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(values[(e * Rows) + 2]), row, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(values[(e * Rows) + 3]), row, c3);
        }

        StoreVector(op, i, rows, j, 0, c0);
        StoreVector(op, i, rows, j, 1, c1);
        StoreVector(op, i, rows, j, 2, c2);
        StoreVector(op, i, rows, j, 3, c3);
    }

    // Where the chains of row i + r, columns j … j + 63, start: C's own values when accumulating, else the bias, else 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Start(in Operands op, int i, int rows, int j, out Vector512<float> s0, out Vector512<float> s1, out Vector512<float> s2, out Vector512<float> s3, int r)
    {
        s0 = StartVector(op, i, rows, j, r);
        s1 = StartVector(op, i, rows, j + 16, r);
        s2 = StartVector(op, i, rows, j + 32, r);
        s3 = StartVector(op, i, rows, j + 48, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> StartVector(in Operands op, int i, int rows, int j, int r) =>
        op.Accumulate ? (r < rows ? Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(op.C), (nuint)(((i + r) * op.N) + j)) : default)
        : op.Bias.IsEmpty ? default : Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(op.Bias), (nuint)j);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(in Operands op, int i, int rows, int j, int r, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3)
    {
        if (r < rows)
        {
            ref float c = ref Unsafe.Add(ref MemoryMarshal.GetReference(op.C), ((i + r) * op.N) + j);
            s0.StoreUnsafe(ref c, 0);
            s1.StoreUnsafe(ref c, 16);
            s2.StoreUnsafe(ref c, 32);
            s3.StoreUnsafe(ref c, 48);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreVector(in Operands op, int i, int rows, int j, int r, Vector512<float> s)
    {
        if (r < rows)
        {
            s.StoreUnsafe(ref MemoryMarshal.GetReference(op.C), (nuint)(((i + r) * op.N) + j));
        }
    }

    // Non-zeros in a, −0 counted as zero.
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
