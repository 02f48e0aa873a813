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
/// on MNIST against 19 % for one row, 42 % for four). The weight gradient (xᵀ·dY, A stored transposed) takes pairs
/// of pixels the same way, from bit masks of the batch rows where each pixel is non-zero (built 16 pixels at a time
/// from x's rows); past L1 (a batch over 64) it takes four pixels and 64 columns, so that each row of dY loaded from
/// L2 feeds 16 fmas. Neighbouring pixels are non-zero in nearly the same images, so the wider union costs little.
/// When B is larger than a panel (256 KB), its columns go panel by panel, every row group passing over one panel
/// while it is in L2. Unless B is already whole 128-column blocks in place, a panel shared by 16 rows of C or more is
/// first copied with its rows padded to whole vectors and aligned to cache lines (<see cref="PanelOfB"/>); a last block
/// of more than four vectors then goes whole through the 2 × 128 kernel, and fewer go a vector at a time, the last one
/// partial. Widths that are not a multiple of 128 used to fall off a cliff: as scalar chains, the 12 columns past 288
/// of a 300-wide layer took longer than the 256 before them; misaligned, every load of a 129- or 250-wide W straddled
/// two cache lines. Step probe, 2026-11-26, one thread, first layer forward + weight gradient: 784-300 at batch 100
/// 1.04 → 0.44 ms, 784-250 at batch 64 0.34 → 0.23 ms, 784-129 at batch 32 131 → 90 µs; the reference's 784-128
/// unchanged.
/// </para>
/// <para>
/// Measured at the reference's first layer (32 × 784 × 128, 64 MNIST batches in turn, probe of 2026-11-26, one
/// thread): forward 25–28 µs and weight gradient ~30 µs, against 33–35 and 45–47 for the previous engine (four rows'
/// union, compacted by a branch per position), and ~57 µs for the dense kernels. In training (step probe): the
/// reference's first layer 35 + 49 → 28 + 34 µs a step; 784-512 at batch 128 574 + 764 → 539–575 + 717–724 µs.
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
    /// a pair's union is three quarters dense and it loses; MNIST pixels are 19 %, Fashion-MNIST's about 50 %.
    /// </summary>
    public const double MaxDensity = 0.3;

    private const int Lanes = 16;

    /// <summary>L1 in floats (32 KB): a 128-column block of B this small is read from L1, and pairs of rows pay.</summary>
    private const int L1Floats = 8 * 1024;

    /// <summary>Floats of B one panel holds (256 KB, a quarter of L2): every row pair passes over a panel before the next.</summary>
    private const int PanelFloats = 64 * 1024;

    /// <summary>Rows of C from which a panel of B is worth copying padded and aligned (<see cref="PanelOfB"/>); fewer read B in place.</summary>
    private const int MinRowsToPack = 16;

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

    [ThreadStatic]
    private static float[]? t_quads;

    [ThreadStatic]
    private static float[]? t_panel; // pinned, for CacheLine.Aligned

    [ThreadStatic]
    private static float[]? t_startFirst;

    [ThreadStatic]
    private static float[]? t_startSecond;

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
    /// <remarks>
    /// Rows two at a time over the positions where either is non-zero (four, over 64 columns, for a transposed A whose B
    /// is past L1); when B is larger than a panel, panel by panel of its columns, so that the panel stays in L2 while
    /// every row group passes over it.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Run(in Operands op, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        if (op.TransposedB)
        {
            throw new ArgumentException("the sparse kernel reads op(B) row-major; transpose it first");
        }

        if (op.TransposedA && (long)op.K * 8 * Lanes > L1Floats)
        {
            RunQuadsOfColumns(op, rowStart, rowEnd, columnStart, columnEnd);
            return;
        }

        int k = op.K, words = (k + MaskBits - 1) / MaskBits;
        Span<int> positions = Scratch(ref t_positions, k + Lanes);
        Span<float> first = Scratch(ref t_first, k + Lanes);
        Span<float> second = Scratch(ref t_second, k + Lanes);
        Span<uint> masks = op.TransposedA ? Scratch(ref t_masks, words * Lanes) : default;
        int panel = Math.Max(8 * Lanes, (int)Math.Min(columnEnd - columnStart, PanelFloats / k) / (8 * Lanes) * (8 * Lanes));
        for (int j0 = columnStart; j0 < columnEnd; j0 += panel)
        {
            int j1 = Math.Min(columnEnd, j0 + panel);
            ReadOnlySpan<float> b = PanelOfB(op, j0, j1, rowEnd - rowStart, out int stride, out bool padded);
            for (int i = rowStart; i < rowEnd; i += 2)
            {
                // A lone last row is paired with itself; its copy is computed and not stored.
                bool pair = i + 1 < rowEnd;
                int count;
                if (op.TransposedA)
                {
                    int r = (i - rowStart) % Lanes;
                    if (r == 0)
                    {
                        NonZeroMasks(op.A, i, Math.Min(Lanes, rowEnd - i), k, op.M, masks);
                    }

                    count = CompactPairOfColumns(op.A, masks, r, i, pair, op.M, stride, positions, first, second);
                }
                else
                {
                    count = CompactPair(op.A, i, pair ? i + 1 : i, k, stride, positions, first, second);
                }

                int j = j0;
                // From a padded panel a last block of over four vectors goes whole, its loads past j1 reading padding:
                // a vector at a time is bound by the fma's latency (two chains, ~4 cycles a position), a block by its
                // 16 fmas, so five vectors or more cost less as a block.
                int blocks = (j1 - j0) / (8 * Lanes) * (8 * Lanes), end = padded && (j1 - j0) - blocks > 4 * Lanes ? j1 : j0 + blocks;
                for (; j < end; j += 8 * Lanes)
                {
                    Pair128(op, b[(j - j0)..], positions, first, second, count, i, pair, j, Math.Min(8 * Lanes, end - j));
                }

                for (; j < j1; j += Lanes)
                {
                    Pair16(op, b[(j - j0)..], positions, first, second, count, i, pair, j, Math.Min(Lanes, j1 - j));
                }
            }
        }
    }

    // a: A (k, m), op(A) = Aᵀ · masks from NonZeroMasks for the block holding rows i (its row r) and i + 1 → as
    // CompactPair, for rows i and i + 1 of op(A) (columns of A, side by side in each row of A).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CompactPairOfColumns(ReadOnlySpan<float> a, ReadOnlySpan<uint> masks, int r, int i, bool pair, int m, int stride, Span<int> positions, Span<float> first, Span<float> second)
    {
        ref float column = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i);
        ref int at = ref MemoryMarshal.GetReference(positions);
        ref float v0 = ref MemoryMarshal.GetReference(first);
        ref float v1 = ref MemoryMarshal.GetReference(second);
        int count = 0, next = pair ? 1 : 0;
        for (int w = 0; w < masks.Length / Lanes; w++)
        {
            for (uint bits = masks[(w * Lanes) + r] | masks[(w * Lanes) + r + next]; bits != 0; bits &= bits - 1)
            {
                int p = (w * MaskBits) + BitOperations.TrailingZeroCount(bits);
                ref float x = ref Unsafe.Add(ref column, p * m);
                Unsafe.Add(ref at, count) = p * stride;
                Unsafe.Add(ref v0, count) = x;
                Unsafe.Add(ref v1, count) = Unsafe.Add(ref x, next);
                count++;
            }
        }

        return count;
    }

    // a: A (m, k) row-major, rows i0 and i1 → positions: the p where either is non-zero, in order, as offsets p·stride into B's panel ·
    // first, second: the two rows' values there (zeros included: fma(0, b, c) = c too). −0 counts as zero; NaN is kept,
    // so it still spreads. Each list holds up to 15 values past count: whole vectors are stored.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CompactPair(ReadOnlySpan<float> a, int i0, int i1, int k, int stride, Span<int> positions, Span<float> first, Span<float> second)
    {
        ref float r0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i0 * k);
        ref float r1 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i1 * k);
        ref int at = ref MemoryMarshal.GetReference(positions);
        ref float v0 = ref MemoryMarshal.GetReference(first);
        ref float v1 = ref MemoryMarshal.GetReference(second);
        Vector512<int> offsets = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) * stride;
        Vector512<int> step = Vector512.Create(Lanes * stride);
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
                Unsafe.Add(ref at, count) = p * stride;
                Unsafe.Add(ref v0, count) = x0;
                Unsafe.Add(ref v1, count) = x1;
                count++;
            }
        }

        return count;
    }

    // Columns j … j + width − 1 (width ≤ 128; under 128 only from a padded panel) of rows i and i + 1 of C: 2 rows × 8
    // vectors of sums, each B load used by both rows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair128(in Operands op, ReadOnlySpan<float> bAtJ, ReadOnlySpan<int> positions, ReadOnlySpan<float> first, ReadOnlySpan<float> second, int count, int i, bool pair, int j, int width)
    {
        int i1 = pair ? i + 1 : i;
        Vector512<float> c0, c1, c2, c3, c4, c5, c6, c7, d0, d1, d2, d3, d4, d5, d6, d7;
        if (width == 8 * Lanes || (!op.Accumulate && op.Bias.IsEmpty)) // whole, or zeros: no load past the end of C or bias
        {
            c0 = StartVector(op, i, j); c1 = StartVector(op, i, j + 16); c2 = StartVector(op, i, j + 32); c3 = StartVector(op, i, j + 48);
            c4 = StartVector(op, i, j + 64); c5 = StartVector(op, i, j + 80); c6 = StartVector(op, i, j + 96); c7 = StartVector(op, i, j + 112);
            d0 = StartVector(op, i1, j); d1 = StartVector(op, i1, j + 16); d2 = StartVector(op, i1, j + 32); d3 = StartVector(op, i1, j + 48);
            d4 = StartVector(op, i1, j + 64); d5 = StartVector(op, i1, j + 80); d6 = StartVector(op, i1, j + 96); d7 = StartVector(op, i1, j + 112);
        }
        else
        {
            ref float s = ref StartOfShortBlock(op, i, j, width, ref t_startFirst);
            ref float t = ref StartOfShortBlock(op, i1, j, width, ref t_startSecond);
            c0 = Vector512.LoadUnsafe(ref s, 0); c1 = Vector512.LoadUnsafe(ref s, 16); c2 = Vector512.LoadUnsafe(ref s, 32); c3 = Vector512.LoadUnsafe(ref s, 48);
            c4 = Vector512.LoadUnsafe(ref s, 64); c5 = Vector512.LoadUnsafe(ref s, 80); c6 = Vector512.LoadUnsafe(ref s, 96); c7 = Vector512.LoadUnsafe(ref s, 112);
            d0 = Vector512.LoadUnsafe(ref t, 0); d1 = Vector512.LoadUnsafe(ref t, 16); d2 = Vector512.LoadUnsafe(ref t, 32); d3 = Vector512.LoadUnsafe(ref t, 48);
            d4 = Vector512.LoadUnsafe(ref t, 64); d5 = Vector512.LoadUnsafe(ref t, 80); d6 = Vector512.LoadUnsafe(ref t, 96); d7 = Vector512.LoadUnsafe(ref t, 112);
        }

        ref float b = ref MemoryMarshal.GetReference(bAtJ);
        ref int p = ref MemoryMarshal.GetReference(positions);
        ref float v0 = ref MemoryMarshal.GetReference(first);
        ref float v1 = ref MemoryMarshal.GetReference(second);
        for (int e = 0; e < count; e++)
        {
            ref float row = ref Unsafe.Add(ref b, Unsafe.Add(ref p, e));
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

        if (width == 8 * Lanes)
        {
            Store(op, i, j, c0, c1, c2, c3);
            Store(op, i, j + 64, c4, c5, c6, c7);
            if (pair)
            {
                Store(op, i + 1, j, d0, d1, d2, d3);
                Store(op, i + 1, j + 64, d4, d5, d6, d7);
            }

            return;
        }

        StoreShortBlock(ref Unsafe.Add(ref RowOfC(op, i), j), width, c0, c1, c2, c3, c4, c5, c6, c7);
        if (pair)
        {
            StoreShortBlock(ref Unsafe.Add(ref RowOfC(op, i + 1), j), width, d0, d1, d2, d3, d4, d5, d6, d7);
        }
    }

    // c: row i of C at column j → its first width (< 128) columns from the block's 8 vectors of sums.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreShortBlock(ref float c, int width, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, Vector512<float> s4, Vector512<float> s5, Vector512<float> s6, Vector512<float> s7)
    {
        StoreFrom(s0, ref c, 0, width);
        StoreFrom(s1, ref c, 16, width);
        StoreFrom(s2, ref c, 32, width);
        StoreFrom(s3, ref c, 48, width);
        StoreFrom(s4, ref c, 64, width);
        StoreFrom(s5, ref c, 80, width);
        StoreFrom(s6, ref c, 96, width);
        StoreFrom(s7, ref c, 112, width);
    }

    // Columns at … at + 15 of a block whose first `width` columns are C's: whole, in part, or not at all.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFrom(Vector512<float> sum, ref float c, int at, int width)
    {
        if (width >= at + Lanes)
        {
            sum.StoreUnsafe(ref c, (nuint)at);
        }
        else if (width > at)
        {
            Gemm.Store(sum, ref Unsafe.Add(ref c, at), width - at);
        }
    }

    // Where the chains of row i, columns j … j + width − 1 (width < 128) start, as 128 floats to load: a copy of C's own
    // values when accumulating, else of the bias, else zeros, zeros past width.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ref float StartOfShortBlock(in Operands op, int i, int j, int width, ref float[]? scratch)
    {
        Span<float> copy = Scratch(ref scratch, 8 * Lanes);
        copy.Clear();
        if (op.Accumulate)
        {
            op.C.Slice((i * op.N) + j, width).CopyTo(copy);
        }
        else if (!op.Bias.IsEmpty)
        {
            op.Bias.Slice(j, width).CopyTo(copy);
        }

        return ref MemoryMarshal.GetReference(copy);
    }

    // Columns j … j + width − 1 (width ≤ 16) of rows i and i + 1 of C, one vector each. In a last, partial vector the lanes
    // past width read whatever follows in B and are never stored; rows of B that end within the vector (the last) are
    // read partially.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair16(in Operands op, ReadOnlySpan<float> bAtJ, ReadOnlySpan<int> positions, ReadOnlySpan<float> first, ReadOnlySpan<float> second, int count, int i, bool pair, int j, int width)
    {
        Vector512<float> c = StartVector(op, i, j, width), d = StartVector(op, pair ? i + 1 : i, j, width);
        int whole = WholeRows(bAtJ, positions, count);
        for (int e = 0; e < count; e++)
        {
            Vector512<float> row = e < whole ? Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(bAtJ), (nuint)positions[e]) : Gemm.LoadPartial(bAtJ, positions[e], width);
            c = Vector512.FusedMultiplyAdd(Vector512.Create(first[e]), row, c);
            d = Vector512.FusedMultiplyAdd(Vector512.Create(second[e]), row, d);
        }

        Gemm.Store(c, ref Unsafe.Add(ref RowOfC(op, i), j), width);
        if (pair)
        {
            Gemm.Store(d, ref Unsafe.Add(ref RowOfC(op, i + 1), j), width);
        }
    }

    // A: (k, m), op(A) = Aᵀ, with B (dY over a large batch) past L1: rows of op(A) four at a time over the union of
    // their non-zeros, 64 columns at a time, so that each row of B loaded from L2 feeds 16 fmas (pairs: 16 per 8 loads).
    // Neighbouring pixels are non-zero in nearly the same images, so the union costs little.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunQuadsOfColumns(in Operands op, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        int k = op.K, m = op.M, words = (k + MaskBits - 1) / MaskBits;
        Span<int> positions = Scratch(ref t_positions, k);
        Span<float> values = Scratch(ref t_quads, 4 * k);
        Span<uint> masks = Scratch(ref t_masks, words * Lanes);
        int panel = Math.Max(4 * Lanes, (int)Math.Min(columnEnd - columnStart, PanelFloats / k) / (4 * Lanes) * (4 * Lanes));
        for (int j0 = columnStart; j0 < columnEnd; j0 += panel)
        {
            int j1 = Math.Min(columnEnd, j0 + panel);
            ReadOnlySpan<float> b = PanelOfB(op, j0, j1, rowEnd - rowStart, out int stride, out _);
            for (int i = rowStart; i < rowEnd; i += 4)
            {
                int r = (i - rowStart) % Lanes, rows = Math.Min(4, rowEnd - i);
                if (r == 0)
                {
                    NonZeroMasks(op.A, i, Math.Min(Lanes, rowEnd - i), k, m, masks);
                }

                // The union of the four rows' masks; a row past `rows` reads as zeros and is never stored.
                ref float column = ref Unsafe.Add(ref MemoryMarshal.GetReference(op.A), i);
                int count = 0;
                for (int w = 0; w < words; w++)
                {
                    uint union = 0;
                    for (int q = 0; q < rows; q++)
                    {
                        union |= masks[(w * Lanes) + r + q];
                    }

                    for (; union != 0; union &= union - 1)
                    {
                        int p = (w * MaskBits) + BitOperations.TrailingZeroCount(union);
                        ref float x = ref Unsafe.Add(ref column, p * m);
                        positions[count] = p * stride;
                        for (int q = 0; q < 4; q++)
                        {
                            values[(count * 4) + q] = q < rows ? Unsafe.Add(ref x, q) : 0f;
                        }

                        count++;
                    }
                }

                int j = j0;
                for (; j + (4 * Lanes) <= j1; j += 4 * Lanes)
                {
                    Quad64(op, b[(j - j0)..], positions, values, count, i, rows, j);
                }

                for (; j < j1; j += Lanes)
                {
                    Quad16(op, b[(j - j0)..], positions, values, count, i, rows, j, Math.Min(Lanes, j1 - j));
                }
            }
        }
    }

    // Columns j … j + 63 of rows i … i + rows − 1 of C (rows ≤ 4): 4 rows × 4 vectors of sums, each B load used by four rows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad64(in Operands op, ReadOnlySpan<float> bAtJ, ReadOnlySpan<int> positions, ReadOnlySpan<float> values, int count, int i, int rows, int j)
    {
        int i1 = rows > 1 ? i + 1 : i, i2 = rows > 2 ? i + 2 : i, i3 = rows > 3 ? i + 3 : i;
        Vector512<float> c00 = StartVector(op, i, j), c01 = StartVector(op, i, j + 16), c02 = StartVector(op, i, j + 32), c03 = StartVector(op, i, j + 48);
        Vector512<float> c10 = StartVector(op, i1, j), c11 = StartVector(op, i1, j + 16), c12 = StartVector(op, i1, j + 32), c13 = StartVector(op, i1, j + 48);
        Vector512<float> c20 = StartVector(op, i2, j), c21 = StartVector(op, i2, j + 16), c22 = StartVector(op, i2, j + 32), c23 = StartVector(op, i2, j + 48);
        Vector512<float> c30 = StartVector(op, i3, j), c31 = StartVector(op, i3, j + 16), c32 = StartVector(op, i3, j + 32), c33 = StartVector(op, i3, j + 48);
        ref float b = ref MemoryMarshal.GetReference(bAtJ);
        ref int p = ref MemoryMarshal.GetReference(positions);
        ref float v = ref MemoryMarshal.GetReference(values);
        for (int e = 0; e < count; e++)
        {
            ref float row = ref Unsafe.Add(ref b, Unsafe.Add(ref p, e));
            Vector512<float> b0 = Vector512.LoadUnsafe(ref row, 0), b1 = Vector512.LoadUnsafe(ref row, 16);
            Vector512<float> b2 = Vector512.LoadUnsafe(ref row, 32), b3 = Vector512.LoadUnsafe(ref row, 48);
            ref float four = ref Unsafe.Add(ref v, e * 4);
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

        Store(op, i, j, c00, c01, c02, c03);
        if (rows > 1)
        {
            Store(op, i + 1, j, c10, c11, c12, c13);
        }

        if (rows > 2)
        {
            Store(op, i + 2, j, c20, c21, c22, c23);
        }

        if (rows > 3)
        {
            Store(op, i + 3, j, c30, c31, c32, c33);
        }
    }

    // Columns j … j + width − 1 (width ≤ 16) of rows i … i + rows − 1 of C (rows ≤ 4), as Pair16.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad16(in Operands op, ReadOnlySpan<float> bAtJ, ReadOnlySpan<int> positions, ReadOnlySpan<float> values, int count, int i, int rows, int j, int width)
    {
        Vector512<float> c0 = StartVector(op, i, j, width), c1 = StartVector(op, rows > 1 ? i + 1 : i, j, width);
        Vector512<float> c2 = StartVector(op, rows > 2 ? i + 2 : i, j, width), c3 = StartVector(op, rows > 3 ? i + 3 : i, j, width);
        int whole = WholeRows(bAtJ, positions, count);
        for (int e = 0; e < count; e++)
        {
            Vector512<float> row = e < whole ? Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(bAtJ), (nuint)positions[e]) : Gemm.LoadPartial(bAtJ, positions[e], width);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(values[e * 4]), row, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(values[(e * 4) + 1]), row, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(values[(e * 4) + 2]), row, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(values[(e * 4) + 3]), row, c3);
        }

        Gemm.Store(c0, ref Unsafe.Add(ref RowOfC(op, i), j), width);
        if (rows > 1)
        {
            Gemm.Store(c1, ref Unsafe.Add(ref RowOfC(op, i + 1), j), width);
        }

        if (rows > 2)
        {
            Gemm.Store(c2, ref Unsafe.Add(ref RowOfC(op, i + 2), j), width);
        }

        if (rows > 3)
        {
            Gemm.Store(c3, ref Unsafe.Add(ref RowOfC(op, i + 3), j), width);
        }
    }

    // The entries whose row of B holds a whole vector from column j: all but those whose vector would pass the end of B.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WholeRows(ReadOnlySpan<float> bAtJ, ReadOnlySpan<int> positions, int count)
    {
        int whole = count;
        while (whole > 0 && positions[whole - 1] + Lanes > bAtJ.Length)
        {
            whole--;
        }

        return whole;
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

    // B: (k, n) → columns [j0, j1) of B as the kernels read them, rows `stride` apart, and whether they are padded.
    // B itself when it is already whole blocks of 128 columns (the reference's 784 × 128) or fewer than MinRowsToPack
    // rows of C would share a copy; else a packed copy, rows padded to whole vectors and starting on cache lines, with
    // 128 columns to spare after the last row. Then every load is whole and aligned: a row of 300 or 129 floats starts
    // mid-line, and a load that straddles two lines costs two (17 against 23–28 cycles a position, probe of
    // 2026-11-26); and the rows of a wide B no longer lie a power of two apart (8 KB at n = 2048), where they share a
    // few L2 sets. The padding's lanes are computed and never stored, so what they hold does not matter.
    private static ReadOnlySpan<float> PanelOfB(in Operands op, int j0, int j1, int rows, out int stride, out bool padded)
    {
        int k = op.K, n = op.N, width = j1 - j0;
        padded = rows >= MinRowsToPack && (width != n || n % (8 * Lanes) != 0);
        if (!padded)
        {
            stride = n;
            return op.B[j0..];
        }

        stride = (width + Lanes - 1) / Lanes * Lanes;
        int length = (k * stride) + (8 * Lanes);
        Span<float> panel = CacheLine.Aligned(CacheLine.Pinned(ref t_panel, length), length);
        ref float from = ref Unsafe.Add(ref MemoryMarshal.GetReference(op.B), j0);
        ref float to = ref MemoryMarshal.GetReference(panel);
        int whole = width / Lanes * Lanes;
        for (int p = 0; p < k; p++)
        {
            // Vector by vector: a memmove call per row of a few hundred bytes costs more than the copy itself.
            ref float row = ref Unsafe.Add(ref from, p * n);
            ref float copy = ref Unsafe.Add(ref to, p * stride);
            for (int q = 0; q < whole; q += Lanes)
            {
                Vector512.LoadUnsafe(ref row, (nuint)q).StoreUnsafe(ref copy, (nuint)q);
            }

            for (int q = whole; q < width; q++)
            {
                Unsafe.Add(ref copy, q) = Unsafe.Add(ref row, q);
            }
        }

        return panel;
    }

    // Where the chains of row i, columns j … j + 15, start: C's own values when accumulating, else the bias, else 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> StartVector(in Operands op, int i, int j) =>
        op.Accumulate ? Vector512.LoadUnsafe(ref RowOfC(op, i), (nuint)j)
        : op.Bias.IsEmpty ? default : Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(op.Bias), (nuint)j);

    // As above for columns j … j + width − 1 (1 ≤ width ≤ 16; none past the end of C), zeros in the other lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> StartVector(in Operands op, int i, int j, int width) =>
        width == Lanes ? StartVector(op, i, j)
        : op.Accumulate ? Gemm.LoadPartial(op.C, (i * op.N) + j, width)
        : op.Bias.IsEmpty ? default : Gemm.LoadPartial(op.Bias, j, width);

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
