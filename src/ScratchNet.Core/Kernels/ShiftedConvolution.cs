using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The lowered convolution's product y = W · cols (<see cref="Conv2DLowered"/>) for 3 × 3 kernels of stride 1 and padding 1,
/// without unfolding the image: row (c, r, s) of cols is channel c shifted by (r − 1)·W + (s − 1), except where the tap
/// falls into the padding. Three copies of the image, each channel framed by a zero row above and below, give every row
/// of cols as one run of memory: tap column s = 1 reads the plain copy; s = 0 reads the copy whose last column is zeroed
/// (the shift wraps column −1 onto the row above's last), s = 2 the one whose first column is zeroed. The copies are a
/// third of the unfolded matrix (the cnn recipe's second conv: 43 KB against 113 KB), written once per image instead of
/// nine times per channel.
/// Each output element is the chain MatMul computes, y = fma(W[k, p], cols[p, q], y) for p = 0 … C·9 − 1 from 0, then
/// the bias, so the results are the lowered convolution's bit for bit (tested); the tiles are Gemm's 4 × 64 and 4 × 16,
/// and the columns after the last whole vector take 16 filters in the lanes instead (from w transposed).
/// </summary>
internal static class ShiftedConvolution
{
    private const int Lanes = 16;

    // Zeros before the first copy (the s = 0 taps of the first row read one place before it) and after each (the last
    // vector of a row of cols reads up to 16 places past it, lanes that are never stored).
    internal const int Lead = Lanes;
    private const int Slack = 2 * Lanes;

    /// <summary>True for 3 × 3 kernels of stride 1 and padding 1 on whole vectors of channels, with AVX-512.</summary>
    public static bool Handles(int outChannels, Window2D conv) =>
        Vector512.IsHardwareAccelerated && conv.KernelHeight == 3 && conv.KernelWidth == 3 && conv.Stride == 1 && conv.Padding == 1
            && conv.Channels % Lanes == 0 && outChannels >= 4 && ScratchLength(conv) <= conv.PatchSize * conv.OutPlane;

    /// <summary>
    /// Floats of w transposed, (C·9, K), that <see cref="Forward"/> takes for the columns after the last whole vector
    /// (<see cref="MatMul.Transpose"/> of w as (K, C·9)), when K fills whole vectors and H·W does not; else 0.
    /// </summary>
    public static int TransposedLength(int outChannels, Window2D conv) =>
        outChannels % Lanes == 0 && conv.OutPlane % Lanes != 0 ? outChannels * conv.PatchSize : 0;

    /// <summary>Scratch: the three framed copies and the table of where each row of cols starts in them.</summary>
    public static int ScratchLength(Window2D conv) => Lead + (3 * Copy(conv)) + conv.PatchSize;

    // xi: (C, H, W), one image · w: (K, C, 3, 3) · wT: (C·9, K), w transposed (TransposedLength), or empty · b: (K) ·
    // y: (K, H·W), overwritten · scratch: ScratchLength
    /// <remarks>
    /// y[k, i·W + j] = b[k] + Σc Σr Σs w[k,c,r,s]·x[c, i + r − 1, j + s − 1], 0 outside the image, the sum in the order of
    /// (c, r, s) and the bias added after it, as <see cref="Conv2DLowered"/>; with <paramref name="rectify"/>, max(0, y) as
    /// ReLU's vector path takes it, while the tile is still in registers (a pass over y less for the fused block).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Forward(
        ReadOnlySpan<float> xi, ReadOnlySpan<float> w, ReadOnlySpan<float> wT, ReadOnlySpan<float> b, Span<float> y, Span<float> scratch,
        int outChannels, Window2D conv, bool rectify)
    {
        int patch = conv.PatchSize, plane = conv.OutPlane;
        Guard.Holds(xi.Length, 1, conv.InputSize, nameof(xi));
        Guard.Holds(w.Length, outChannels, patch, nameof(w));
        Conv2DLowered.CheckBias(b.Length, outChannels, nameof(b));
        Guard.Holds(y.Length, outChannels, plane, nameof(y));
        Guard.Holds(scratch.Length, 1, ScratchLength(conv), nameof(scratch));
        bool transposed = !wT.IsEmpty;
        if (transposed)
        {
            Guard.Holds(wT.Length, 1, TransposedLength(outChannels, conv), nameof(wT));
        }

        Span<int> rows = MemoryMarshal.Cast<float, int>(scratch.Slice(Lead + (3 * Copy(conv)), patch));
        FillCopies(xi, scratch[..(Lead + (3 * Copy(conv)))], rows, conv);

        ref float a = ref MemoryMarshal.GetReference(w);
        ref float copies = ref MemoryMarshal.GetReference(scratch);
        ref int rowsRef = ref MemoryMarshal.GetReference(rows);
        ref float c = ref MemoryMarshal.GetReference(y);
        ref float bias = ref MemoryMarshal.GetReference(b);
        Span<float> tail = stackalloc float[4 * Lanes];
        for (int k0 = 0; k0 < outChannels; k0 += 4)
        {
            // The last tile of filters overlaps the one before when K is no multiple of 4: the same sums, stored again.
            int k = Math.Min(k0, outChannels - 4);
            int q = 0;
            for (; q + (4 * Lanes) <= plane; q += 4 * Lanes)
            {
                Tile4x64(ref Unsafe.Add(ref a, k * patch), patch, ref copies, ref rowsRef, q, ref Unsafe.Add(ref bias, k), rectify, ref Unsafe.Add(ref c, (k * plane) + q), plane);
            }

            for (; q < plane; q += Lanes)
            {
                if (q + Lanes > plane && transposed)
                {
                    break;
                }

                if (q + Lanes <= plane)
                {
                    Tile4x16(ref Unsafe.Add(ref a, k * patch), patch, ref copies, ref rowsRef, q, ref Unsafe.Add(ref bias, k), rectify, ref Unsafe.Add(ref c, (k * plane) + q), plane);
                    continue;
                }

                // The last, partial vector of each row: its lanes past the row go to a scratch and are dropped.
                Tile4x16(ref Unsafe.Add(ref a, k * patch), patch, ref copies, ref rowsRef, q, ref Unsafe.Add(ref bias, k), rectify, ref MemoryMarshal.GetReference(tail), Lanes);
                for (int row = 0; row < 4; row++)
                {
                    tail.Slice(row * Lanes, plane - q).CopyTo(y.Slice(((k + row) * plane) + q, plane - q));
                }
            }
        }

        if (transposed)
        {
            LastColumns(ref MemoryMarshal.GetReference(wT), ref copies, ref rowsRef, ref bias, rectify, y, tail, outChannels, conv);
        }
    }

    // The columns after the last whole vector, 16 filters in the lanes and 4 columns at a time (4 of a row-tile's 16 lanes
    // did work there, measured 7 % of the product for the cnn recipe's 196 columns): the same chain per element, from wT.
    // Lanes past the row read the copies' slack and are never stored.
    private static void LastColumns(
        ref float wT, ref float b, ref int rows, ref float bias, bool rectify, Span<float> y, Span<float> tail, int outChannels, Window2D conv)
    {
        int patch = conv.PatchSize, plane = conv.OutPlane;
        for (int k = 0; k < outChannels; k += Lanes)
        {
            var filterBias = Vector512.LoadUnsafe(ref bias, (nuint)k);
            for (int q = plane / Lanes * Lanes; q < plane; q += 4)
            {
                Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
                for (int p = 0; p < patch; p++)
                {
                    Vector512<float> filters = Vector512.LoadUnsafe(ref wT, (nuint)((p * outChannels) + k));
                    ref float row = ref Unsafe.Add(ref b, Unsafe.Add(ref rows, p) + q);
                    c0 = Vector512.FusedMultiplyAdd(filters, Vector512.Create(row), c0);
                    c1 = Vector512.FusedMultiplyAdd(filters, Vector512.Create(Unsafe.Add(ref row, 1)), c1);
                    c2 = Vector512.FusedMultiplyAdd(filters, Vector512.Create(Unsafe.Add(ref row, 2)), c2);
                    c3 = Vector512.FusedMultiplyAdd(filters, Vector512.Create(Unsafe.Add(ref row, 3)), c3);
                }

                ref float t = ref MemoryMarshal.GetReference(tail);
                Finish(c0, filterBias, rectify).StoreUnsafe(ref t);
                Finish(c1, filterBias, rectify).StoreUnsafe(ref t, Lanes);
                Finish(c2, filterBias, rectify).StoreUnsafe(ref t, 2 * Lanes);
                Finish(c3, filterBias, rectify).StoreUnsafe(ref t, 3 * Lanes);
                for (int j = 0; j < Math.Min(4, plane - q); j++)
                {
                    for (int lane = 0; lane < Lanes; lane++)
                    {
                        y[((k + lane) * plane) + q + j] = tail[(j * Lanes) + lane];
                    }
                }
            }
        }
    }

    // Floats of one copy: C channels of (H + 2, W), then the slack.
    internal static int Copy(Window2D conv) => (conv.Channels * (conv.Height + 2) * conv.Width) + Slack;

    // copies: Lead + 3 copies, overwritten (copy s at Lead + s·Copy); rows: (C·9), overwritten with where row (c, r, s) of
    // cols starts: output q = i·W + j reads copy s at (c·(H + 2) + i + r)·W + j + s − 1. Whole vectors, no call per row
    // (the span copies and clears this replaced cost as much as the products of a 64-wide tile).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per image per step; see Gemm.Run
    internal static void FillCopies(ReadOnlySpan<float> xi, Span<float> copies, Span<int> rows, Window2D conv)
    {
        int h = conv.Height, width = conv.Width, plane = h * width, channel = (h + 2) * width, copy = Copy(conv), channels = conv.Channels;
        Guard.Holds(copies.Length, 1, Lead + (3 * copy), nameof(copies));
        ref float source = ref MemoryMarshal.GetReference(xi);
        ref float destination = ref MemoryMarshal.GetReference(copies);
        Vector512<float>.Zero.StoreUnsafe(ref destination);
        for (int s = 0; s < 3; s++)
        {
            nuint start = (nuint)(Lead + (s * copy));
            Clear(ref destination, start, width);
            for (int ch = 0; ch < channels; ch++)
            {
                // The channel's rows, then the zero row below it and the one above the next channel (or the slack).
                nuint at = start + (nuint)((ch * channel) + width), from = (nuint)(ch * plane);
                int v = 0;
                for (; v + Lanes <= plane; v += Lanes)
                {
                    Vector512.LoadUnsafe(ref source, from + (nuint)v).StoreUnsafe(ref destination, at + (nuint)v);
                }

                if (v < plane && plane >= Lanes)
                {
                    Vector512.LoadUnsafe(ref source, from + (nuint)(plane - Lanes)).StoreUnsafe(ref destination, at + (nuint)(plane - Lanes));
                }
                else
                {
                    for (; v < plane; v++)
                    {
                        Unsafe.Add(ref destination, at + (nuint)v) = Unsafe.Add(ref source, from + (nuint)v);
                    }
                }

                Clear(ref destination, at + (nuint)plane, ch + 1 < channels ? 2 * width : width);
                if (s != 1)
                {
                    // s = 0 sees column −1 as the row above's last column, s = 2 column W as the next row's first: zero them.
                    nuint column = at + (nuint)(s == 0 ? width - 1 : 0);
                    for (int row = 0; row < h; row++)
                    {
                        Unsafe.Add(ref destination, column + (nuint)(row * width)) = 0f;
                    }
                }
            }

            Clear(ref destination, start + (nuint)(channels * channel), Slack);
        }

        for (int ch = 0, p = 0; ch < channels; ch++)
        {
            for (int r = 0; r < 3; r++)
            {
                for (int s = 0; s < 3; s++, p++)
                {
                    rows[p] = Lead + (s * copy) + (ch * channel) + (r * width) + s - 1;
                }
            }
        }
    }

    // length floats from at on set to 0, in whole vectors (the last overlapping the one before) when there is one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clear(ref float destination, nuint at, int length)
    {
        if (length <= 0)
        {
            return;
        }

        if (length < Lanes)
        {
            for (int v = 0; v < length; v++)
            {
                Unsafe.Add(ref destination, at + (nuint)v) = 0f;
            }

            return;
        }

        for (int v = 0; v < length; v += Lanes)
        {
            Vector512<float>.Zero.StoreUnsafe(ref destination, at + (nuint)Math.Min(v, length - Lanes));
        }
    }

    // 4 filters × 64 outputs: 16 accumulators, 4 loads of cols' row and 4 broadcasts of W per p, as Gemm's Tile4x64.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x64(ref float a, int patch, ref float b, ref int rows, int q, ref float bias, bool rectify, ref float c, int plane)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
        ref float a1 = ref Unsafe.Add(ref a, patch), a2 = ref Unsafe.Add(ref a, 2 * patch), a3 = ref Unsafe.Add(ref a, 3 * patch);
        for (int p = 0; p < patch; p++)
        {
            ref float row = ref Unsafe.Add(ref b, Unsafe.Add(ref rows, p) + q);
            Vector512<float> b0 = Vector512.LoadUnsafe(ref row), b1 = Vector512.LoadUnsafe(ref row, 16);
            Vector512<float> b2 = Vector512.LoadUnsafe(ref row, 32), b3 = Vector512.LoadUnsafe(ref row, 48);
            var x = Vector512.Create(Unsafe.Add(ref a, p));
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, b2, c02);
            c03 = Vector512.FusedMultiplyAdd(x, b3, c03);
            x = Vector512.Create(Unsafe.Add(ref a1, p));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, b2, c12);
            c13 = Vector512.FusedMultiplyAdd(x, b3, c13);
            x = Vector512.Create(Unsafe.Add(ref a2, p));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, b2, c22);
            c23 = Vector512.FusedMultiplyAdd(x, b3, c23);
            x = Vector512.Create(Unsafe.Add(ref a3, p));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, b2, c32);
            c33 = Vector512.FusedMultiplyAdd(x, b3, c33);
        }

        Store(c00, c01, c02, c03, Unsafe.Add(ref bias, 0), rectify, ref c);
        Store(c10, c11, c12, c13, Unsafe.Add(ref bias, 1), rectify, ref Unsafe.Add(ref c, plane));
        Store(c20, c21, c22, c23, Unsafe.Add(ref bias, 2), rectify, ref Unsafe.Add(ref c, 2 * plane));
        Store(c30, c31, c32, c33, Unsafe.Add(ref bias, 3), rectify, ref Unsafe.Add(ref c, 3 * plane));
    }

    // 4 filters × 16 outputs: the columns left after the 64-wide tiles; c's rows are `stride` apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x16(ref float a, int patch, ref float b, ref int rows, int q, ref float bias, bool rectify, ref float c, int stride)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        ref float a1 = ref Unsafe.Add(ref a, patch), a2 = ref Unsafe.Add(ref a, 2 * patch), a3 = ref Unsafe.Add(ref a, 3 * patch);
        for (int p = 0; p < patch; p++)
        {
            Vector512<float> row = Vector512.LoadUnsafe(ref Unsafe.Add(ref b, Unsafe.Add(ref rows, p) + q));
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a, p)), row, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a1, p)), row, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a2, p)), row, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a3, p)), row, c3);
        }

        Store(c0, Unsafe.Add(ref bias, 0), rectify, ref c);
        Store(c1, Unsafe.Add(ref bias, 1), rectify, ref Unsafe.Add(ref c, stride));
        Store(c2, Unsafe.Add(ref bias, 2), rectify, ref Unsafe.Add(ref c, 2 * stride));
        Store(c3, Unsafe.Add(ref bias, 3), rectify, ref Unsafe.Add(ref c, 3 * stride));
    }

    // One filter's 64 outputs: the sums plus the bias (added after the chain, as Bias.ForwardChannels), rectified as ReLU's vector path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, float bias, bool rectify, ref float c)
    {
        Store(s0, bias, rectify, ref c);
        Store(s1, bias, rectify, ref Unsafe.Add(ref c, 16));
        Store(s2, bias, rectify, ref Unsafe.Add(ref c, 32));
        Store(s3, bias, rectify, ref Unsafe.Add(ref c, 48));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> sum, float bias, bool rectify, ref float c) => Finish(sum, Vector512.Create(bias), rectify).StoreUnsafe(ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Finish(Vector512<float> sum, Vector512<float> bias, bool rectify)
    {
        Vector512<float> y = sum + bias;
        return rectify ? Vector512.Max(y, Vector512<float>.Zero) : y;
    }
}
