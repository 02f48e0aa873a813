using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// A convolution's backward when its output gradient comes through ReLU and max pooling, as in <see cref="ConvReluMaxPool"/>:
/// then each pooling window passes its gradient to one place only, where its maximum sat, and not even there when ReLU cut
/// it. The dense backward multiplies by all of dR, three zeros in four (2 × 2 pooling) and more after ReLU; here only the
/// places that carry a gradient g are visited, each adding g times the image patch it saw to dW and g times the filter to the
/// patch of dX:
/// <code>
/// for each output channel k and window o with g = dP[k,o] ≠ 0, its maximum at (i, j):
///     dW[k,c,r,s]                                   += g · x[c, i·stride + r − pad, j·stride + s − pad]
///     dX[c, i·stride + r − pad, j·stride + s − pad] += g · w[k,c,r,s]
///     dB[k]                                         += g
/// </code>
/// For the cnn recipe's second block (32 × 49 windows per image, about 40 % of them cut by ReLU) that is a tenth of the
/// dense products. The channels are the vector lanes: the image and dX are held channels-last inside a frame of the padding
/// ((H + 2·pad, W + 2·pad, C), so no tap needs a bounds check), the weights channels-last (K, kH, kW, C). For 3 × 3 kernels
/// of stride 1 a filter's nine sums stay in registers over all its windows (the general loop keeps them in memory, which
/// measured 3× slower: each window's store is read back by the next). Under 2 × 2 pooling of stride 2 (the cnn recipe's)
/// dX is added window by window with the window's 4 × 4 pixels in registers (<c>InputGradient3x3</c>) instead of filter
/// by filter in memory: 1.6× faster for the whole backward (0.89 against 1.40 ms a batch of 64, thread CPU time, both on
/// cache-aligned scratch). The sums run in another order than the dense products, so the results agree with them to
/// float rounding, not bit for bit; each image's are the same on any thread.
/// </summary>
public static class SparseConvolutionBackward
{
    private const int Lanes = 16;

    /// <summary>
    /// True when the channels fill whole vectors (C a multiple of 16) and AVX-512 is there. Grey images (one channel) keep the
    /// dense backward: a scalar sparse path over their windows measured 2.3× slower than it (ConvolutionBenchmarks, first block).
    /// </summary>
    public static bool Handles(Window2D conv) => Vector512.IsHardwareAccelerated && conv.Channels % Lanes == 0;

    private static bool Is3x3(Window2D conv) => conv.KernelHeight == 3 && conv.KernelWidth == 3 && conv.Stride == 1;

    private static bool Pools2x2(Window2D pool) => pool.KernelHeight == 2 && pool.KernelWidth == 2 && pool.Stride == 2;

    /// <summary>
    /// Scratch per thread: the image channels-last (H·W, C), the framed image and dX ((H + 2·pad)·(W + 2·pad), C) each, for
    /// 3 × 3 kernels under 2 × 2 pooling the tables of which places carry a gradient, and room to start on a cache line.
    /// </summary>
    public static int ScratchLength(int outChannels, Window2D conv, Window2D pool) =>
        CacheLine.AlignedLength((conv.Channels * ((conv.Height * conv.Width) + (2 * Framed(conv)))) + Lists3x3(pool) + FilterSets(outChannels, pool));

    /// <summary>Values of the weights (or their gradient) channels-last: K·kH·kW·C.</summary>
    public static int PackedLength(int outChannels, Window2D conv) => outChannels * conv.PatchSize;

    // w: (K, C, kH, kW) · wT: (K, kH, kW, C), overwritten
    public static void PackWeights(ReadOnlySpan<float> w, Span<float> wT, int outChannels, Window2D conv)
    {
        int taps = conv.KernelHeight * conv.KernelWidth, c = conv.Channels;
        Guard.Holds(w.Length, outChannels, c * taps, nameof(w));
        Guard.Holds(wT.Length, outChannels, c * taps, nameof(wT));
        for (int k = 0; k < outChannels; k++)
        {
            MatMul.Transpose(w.Slice(k * c * taps, c * taps), wT.Slice(k * c * taps, c * taps), c, taps);
        }
    }

    // dWT: (K, kH, kW, C) · dW: (K, C, kH, kW), overwritten
    public static void UnpackGradient(ReadOnlySpan<float> dWT, Span<float> dW, int outChannels, Window2D conv)
    {
        int taps = conv.KernelHeight * conv.KernelWidth, c = conv.Channels;
        Guard.Holds(dWT.Length, outChannels, c * taps, nameof(dWT));
        Guard.Holds(dW.Length, outChannels, c * taps, nameof(dW));
        for (int k = 0; k < outChannels; k++)
        {
            MatMul.Transpose(dWT.Slice(k * c * taps, c * taps), dW.Slice(k * c * taps, c * taps), taps, c);
        }
    }

    // xi: (C, H, W), one image · wT: (K, kH, kW, C) from PackWeights · dP: (K, PH·PW), the pooled gradient after ReLU's mask ·
    // argmax: (K, PH·PW), where each pooling window's maximum sat (index within the convolution's output image) ·
    // dWT: (K, kH, kW, C) and dB: (K), accumulated · dXi: (C, H, W), overwritten, or empty to skip it
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Image(
        ReadOnlySpan<float> xi, ReadOnlySpan<float> wT, ReadOnlySpan<float> dP, ReadOnlySpan<int> argmax, Span<float> dWT, Span<float> dB, Span<float> dXi,
        Span<float> scratch, int outChannels, Window2D conv, Window2D pool)
    {
        int c = conv.Channels, plane = conv.Height * conv.Width, framed = Framed(conv);
        Guard.Holds(scratch.Length, 1, ScratchLength(outChannels, conv, pool), nameof(scratch));
        Guard.Holds(wT.Length, outChannels, conv.PatchSize, nameof(wT));
        Guard.Holds(dWT.Length, outChannels, conv.PatchSize, nameof(dWT));
        Guard.Holds(dP.Length, outChannels, pool.OutPlane, nameof(dP));
        Guard.Holds(argmax.Length, outChannels, pool.OutPlane, nameof(argmax));
        scratch = CacheLine.Aligned(scratch, scratch.Length - CacheLine.Floats + 1);
        Span<float> x = scratch[..(plane * c)];
        Span<float> xFramed = scratch.Slice(plane * c, framed * c);
        Span<float> dXFramed = scratch.Slice((plane + framed) * c, framed * c);
        bool inputGradient = !dXi.IsEmpty;
        MatMul.Transpose(xi[..(c * plane)], x, c, plane);
        Frame(x, xFramed, conv);
        if (inputGradient)
        {
            dXFramed.Clear();
        }

        if (Is3x3(conv) && Pools2x2(pool))
        {
            Span<int> lists = MemoryMarshal.Cast<float, int>(scratch.Slice((plane + (2 * framed)) * c, Lists3x3(pool)));
            Span<uint> filters = MemoryMarshal.Cast<float, uint>(scratch.Slice(((plane + (2 * framed)) * c) + Lists3x3(pool), FilterSets(outChannels, pool)));
            Weights3x3(xFramed, dP, argmax, dWT, dB, lists, filters, outChannels, conv, pool);
            if (inputGradient)
            {
                InputGradient3x3(wT, dP, filters, dXFramed, outChannels, conv, pool);
            }
        }
        else if (Is3x3(conv))
        {
            for (int chunk = 0; chunk < c; chunk += Lanes)
            {
                Filters3x3(xFramed, wT, dP, argmax, dWT, dB, dXFramed, chunk, inputGradient, outChannels, conv, pool);
            }
        }
        else
        {
            Filters(xFramed, wT, dP, argmax, dWT, dB, dXFramed, inputGradient, outChannels, conv, pool);
        }

        if (inputGradient)
        {
            Unframe(dXFramed, x, conv);
            MatMul.Transpose(x, dXi[..(c * plane)], plane, c);
        }
    }

    private static int Framed(Window2D conv) => (conv.Height + (2 * conv.Padding)) * (conv.Width + (2 * conv.Padding));

    // x: (H·W, C) → framed: (H + 2·pad, W + 2·pad, C), zeros in the frame
    private static void Frame(ReadOnlySpan<float> x, Span<float> framed, Window2D conv)
    {
        int c = conv.Channels, pad = conv.Padding, row = conv.Width * c, framedRow = (conv.Width + (2 * pad)) * c;
        framed[..(pad * framedRow)].Clear();
        framed[((conv.Height + pad) * framedRow)..].Clear();
        for (int h = 0; h < conv.Height; h++)
        {
            Span<float> line = framed.Slice((h + pad) * framedRow, framedRow);
            line[..(pad * c)].Clear();
            line[(framedRow - (pad * c))..].Clear();
            x.Slice(h * row, row).CopyTo(line[(pad * c)..]);
        }
    }

    // framed: (H + 2·pad, W + 2·pad, C) → x: (H·W, C), the frame dropped (what it gathered stood for padding)
    private static void Unframe(ReadOnlySpan<float> framed, Span<float> x, Window2D conv)
    {
        int c = conv.Channels, pad = conv.Padding, row = conv.Width * c, framedRow = (conv.Width + (2 * pad)) * c;
        for (int h = 0; h < conv.Height; h++)
        {
            framed.Slice(((h + pad) * framedRow) + (pad * c), row).CopyTo(x.Slice(h * row, row));
        }
    }

    // Channels chunk … chunk + 15 of every filter, 3 × 3 with stride 1: the nine sums of a filter in registers over all its windows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Filters3x3(
        ReadOnlySpan<float> x, ReadOnlySpan<float> wT, ReadOnlySpan<float> dP, ReadOnlySpan<int> argmax, Span<float> dWT, Span<float> dB, Span<float> dX,
        int chunk, bool inputGradient, int outChannels, Window2D conv, Window2D pool)
    {
        int c = conv.Channels, outW = conv.OutWidth, outPlane = conv.OutPlane, windows = pool.OutPlane;
        int poolStride = pool.Stride, poolWidth = pool.KernelWidth, framedRow = (conv.Width + (2 * conv.Padding)) * c;
        ulong rowsOf = RowsOf(outW);
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float dXRef = ref MemoryMarshal.GetReference(dX);
        for (int k = 0; k < outChannels; k++)
        {
            // Filter k channels-last: tap t at (k·9 + t)·C + chunk.
            ref float w = ref Unsafe.Add(ref MemoryMarshal.GetReference(wT), (k * 9 * c) + chunk);
            Vector512<float> w0 = Vector512.LoadUnsafe(ref w), w1 = Vector512.LoadUnsafe(ref w, (nuint)c), w2 = Vector512.LoadUnsafe(ref w, (nuint)(2 * c));
            Vector512<float> w3 = Vector512.LoadUnsafe(ref w, (nuint)(3 * c)), w4 = Vector512.LoadUnsafe(ref w, (nuint)(4 * c)), w5 = Vector512.LoadUnsafe(ref w, (nuint)(5 * c));
            Vector512<float> w6 = Vector512.LoadUnsafe(ref w, (nuint)(6 * c)), w7 = Vector512.LoadUnsafe(ref w, (nuint)(7 * c)), w8 = Vector512.LoadUnsafe(ref w, (nuint)(8 * c));
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default, s8 = default;
            float bias = 0f;
            int windowRow = 0, windowColumn = 0;
            for (int o = 0; o < windows; o++, windowColumn += poolStride)
            {
                if (windowColumn + poolWidth > outW)
                {
                    windowColumn = 0;
                    windowRow += poolStride;
                }

                float g = dP[(k * windows) + o];
                if (g == 0f)
                {
                    continue;
                }

                bias += g;
                (int row, int column) = Place(argmax[(k * windows) + o] - (k * outPlane), windowRow, windowColumn, outW, rowsOf);

                // Stride 1: output (row, column) sees framed rows row … row + 2 and columns column … column + 2.
                nuint top = (nuint)((row * framedRow) + (column * c) + chunk), middle = top + (nuint)framedRow, bottom = middle + (nuint)framedRow;
                nuint step = (nuint)c;
                var v = Vector512.Create(g);
                s0 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, top), s0);
                s1 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, top + step), s1);
                s2 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, top + (2 * step)), s2);
                s3 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, middle), s3);
                s4 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, middle + step), s4);
                s5 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, middle + (2 * step)), s5);
                s6 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, bottom), s6);
                s7 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, bottom + step), s7);
                s8 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, bottom + (2 * step)), s8);
                if (inputGradient)
                {
                    Add(ref dXRef, top, v, w0);
                    Add(ref dXRef, top + step, v, w1);
                    Add(ref dXRef, top + (2 * step), v, w2);
                    Add(ref dXRef, middle, v, w3);
                    Add(ref dXRef, middle + step, v, w4);
                    Add(ref dXRef, middle + (2 * step), v, w5);
                    Add(ref dXRef, bottom, v, w6);
                    Add(ref dXRef, bottom + step, v, w7);
                    Add(ref dXRef, bottom + (2 * step), v, w8);
                }
            }

            ref float dW = ref Unsafe.Add(ref MemoryMarshal.GetReference(dWT), (k * 9 * c) + chunk);
            Add(ref dW, 0, s0);
            Add(ref dW, (nuint)c, s1);
            Add(ref dW, (nuint)(2 * c), s2);
            Add(ref dW, (nuint)(3 * c), s3);
            Add(ref dW, (nuint)(4 * c), s4);
            Add(ref dW, (nuint)(5 * c), s5);
            Add(ref dW, (nuint)(6 * c), s6);
            Add(ref dW, (nuint)(7 * c), s7);
            Add(ref dW, (nuint)(8 * c), s8);
            if (chunk == 0)
            {
                dB[k] += bias;
            }
        }
    }

    // 3 × 3 kernels of stride 1 under 2 × 2 pooling of stride 2, the filters one by one: dWT and dB, accumulated, and which
    // filters carry a gradient to each window (for InputGradient3x3). Sixteen windows at a time, without a branch (a test of
    // g ≠ 0 per window mispredicts on ReLU's random cuts, and the scalar bookkeeping cost as much as the products), the
    // windows with g ≠ 0 are listed with the framed place their maximum saw; the list then runs with the filter's nine sums
    // in registers, chunk by chunk of 16 channels.
    // lists: Lists3x3, scratch; filters: (4·words, PH·PW rounded up to 16), overwritten: bit k % 32 of row 4·(k / 32) + place,
    // column o, is set when filter k's gradient at window o is not 0 and its maximum sat at place (0 top left, 1 top right,
    // 2 bottom left, 3 bottom right)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    private static void Weights3x3(
        ReadOnlySpan<float> x, ReadOnlySpan<float> dP, ReadOnlySpan<int> argmax, Span<float> dWT, Span<float> dB, Span<int> lists, Span<uint> filters,
        int outChannels, Window2D conv, Window2D pool)
    {
        int c = conv.Channels, outW = conv.OutWidth, outPlane = conv.OutPlane, windows = pool.OutPlane, pw = pool.OutWidth;
        int framedRow = (conv.Width + (2 * conv.Padding)) * c, padded = Padded(windows);
        Span<int> corner = lists[..padded];
        Span<int> framedCorner = lists.Slice(padded, padded);
        Span<int> places = lists.Slice(2 * padded, padded);
        Span<float> gs = MemoryMarshal.Cast<int, float>(lists.Slice(3 * padded, padded));
        Span<float> tailG = MemoryMarshal.Cast<int, float>(lists.Slice(4 * padded, Lanes));
        Span<int> tailAt = lists.Slice((4 * padded) + Lanes, Lanes);
        filters.Clear();
        for (int o = 0; o < padded; o++)
        {
            // Each window's top-left corner in the convolution's output and in the framed image.
            int p = o / pw, q = o - (p * pw);
            corner[o] = 2 * ((p * outW) + q);
            framedCorner[o] = 2 * ((p * framedRow) + (q * c));
        }

        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref int cornerRef = ref MemoryMarshal.GetReference(corner);
        ref int framedRef = ref MemoryMarshal.GetReference(framedCorner);
        ref int placesRef = ref MemoryMarshal.GetReference(places);
        ref float gsRef = ref MemoryMarshal.GetReference(gs);
        ref uint filtersRef = ref MemoryMarshal.GetReference(filters);
        var lastColumn = Vector512.Create(outW - 1);
        var rowAcross = Vector512.Create(framedRow - (outW * c));
        var width = Vector512.Create(outW);
        for (int k = 0; k < outChannels; k++)
        {
            var channelStart = Vector512.Create(k * outPlane);
            var bit = Vector512.Create(1u << (k & 31));
            ref uint rows = ref Unsafe.Add(ref filtersRef, 4 * (k >> 5) * padded);
            Vector512<float> bias = default;
            int count = 0;
            for (int o = 0; o < windows; o += Lanes)
            {
                Vector512<float> g;
                Vector512<int> at;
                int first = (k * windows) + o;
                if (first + Lanes <= dP.Length)
                {
                    g = Vector512.Create(dP.Slice(first, Lanes));
                    at = Vector512.Create(argmax.Slice(first, Lanes));
                }
                else
                {
                    // The last filters' last windows: zeros past the end of dP.
                    tailG.Clear();
                    tailAt.Clear();
                    dP[first..].CopyTo(tailG);
                    argmax[first..].CopyTo(tailAt);
                    g = Vector512.Create((ReadOnlySpan<float>)tailG);
                    at = Vector512.Create((ReadOnlySpan<int>)tailAt);
                }

                if (o + Lanes > windows)
                {
                    // Past the filter's last window lie the next filter's: their g's count as no gradient here.
                    g &= Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(windows - o)).AsSingle();
                }

                // offset = down·OutW + across within the window; place = framed corner + down·framedRow + across·C.
                Vector512<int> offset = at - channelStart - Vector512.LoadUnsafe(ref cornerRef, (nuint)o);
                Vector512<int> below = Vector512.GreaterThan(offset, lastColumn);
                Vector512<int> place = Vector512.LoadUnsafe(ref framedRef, (nuint)o) + (offset * c) + (below & rowAcross);
                Vector512<int> carries = ~Vector512.Equals(g, Vector512<float>.Zero).AsInt32();
                Avx512F.Compress(place, carries, place).StoreUnsafe(ref placesRef, (nuint)count);
                Avx512F.Compress(g, carries.AsSingle(), g).StoreUnsafe(ref gsRef, (nuint)count);
                count += BitOperations.PopCount(carries.ExtractMostSignificantBits());
                bias += g;

                Vector512<int> across = offset - (below & width);
                Vector512<uint> mask = carries.AsUInt32() & bit;
                Vector512<int> bottom = below, top = ~below, right = Vector512.Equals(across, Vector512<int>.One), left = ~right;
                Or(ref rows, (nuint)o, mask & (top & left).AsUInt32());
                Or(ref rows, (nuint)(padded + o), mask & (top & right).AsUInt32());
                Or(ref rows, (nuint)((2 * padded) + o), mask & (bottom & left).AsUInt32());
                Or(ref rows, (nuint)((3 * padded) + o), mask & (bottom & right).AsUInt32());
            }

            for (int chunk = 0; chunk < c; chunk += Lanes)
            {
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default, s8 = default;
                nuint step = (nuint)c;
                for (int e = 0; e < count; e++)
                {
                    // Stride 1: output (row, column) sees framed rows row … row + 2 and columns column … column + 2.
                    nuint top = (nuint)(Unsafe.Add(ref placesRef, e) + chunk), middle = top + (nuint)framedRow, bottom = middle + (nuint)framedRow;
                    var v = Vector512.Create(Unsafe.Add(ref gsRef, e));
                    s0 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, top), s0);
                    s1 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, top + step), s1);
                    s2 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, top + (2 * step)), s2);
                    s3 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, middle), s3);
                    s4 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, middle + step), s4);
                    s5 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, middle + (2 * step)), s5);
                    s6 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, bottom), s6);
                    s7 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, bottom + step), s7);
                    s8 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref xRef, bottom + (2 * step)), s8);
                }

                ref float dW = ref Unsafe.Add(ref MemoryMarshal.GetReference(dWT), (k * 9 * c) + chunk);
                Add(ref dW, 0, s0);
                Add(ref dW, step, s1);
                Add(ref dW, 2 * step, s2);
                Add(ref dW, 3 * step, s3);
                Add(ref dW, 4 * step, s4);
                Add(ref dW, 5 * step, s5);
                Add(ref dW, 6 * step, s6);
                Add(ref dW, 7 * step, s7);
                Add(ref dW, 8 * step, s8);
            }

            dB[k] += Vector512.Sum(bias);
        }
    }

    // 3 × 3 kernels of stride 1 under 2 × 2 pooling of stride 2: dX framed, accumulated, window by window. A window's
    // gradients all land in the 4 × 4 pixels around it, held in registers while every filter adds to them: adding each
    // (filter, window) to dX in memory instead (a load, an FMA and a store per tap, and the next window of the filter
    // reloading what this one just stored) measured the slowest part of the backward. Which 3 × 3 of the 4 × 4 a filter
    // adds to depends on where its maximum sat, so the filters come sorted by that place (filters, from Weights3x3) and each
    // place runs with its registers fixed. The even windows of a row go before the odd ones, so neighbours, which share two
    // columns of pixels, are not stored and reloaded back to back.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    private static void InputGradient3x3(
        ReadOnlySpan<float> wT, ReadOnlySpan<float> dP, ReadOnlySpan<uint> filters, Span<float> dX, int outChannels, Window2D conv, Window2D pool)
    {
        int c = conv.Channels, windows = pool.OutPlane, pw = pool.OutWidth, padded = Padded(windows), words = Words(outChannels);
        int framedRow = (conv.Width + (2 * conv.Padding)) * c;
        ref float dXRef = ref MemoryMarshal.GetReference(dX);
        ref float wRef = ref MemoryMarshal.GetReference(wT);
        ref float dPRef = ref MemoryMarshal.GetReference(dP);
        ref uint filtersRef = ref MemoryMarshal.GetReference(filters);
        nuint step = (nuint)c, row = (nuint)framedRow, filter = (nuint)(9 * c);
        for (int p = 0; p < pool.OutHeight; p++)
        {
            for (int i = 0; i < pw; i++)
            {
                int q = i < (pw + 1) / 2 ? 2 * i : (2 * (i - ((pw + 1) / 2))) + 1;
                int o = (p * pw) + q;
                for (int chunk = 0; chunk < c; chunk += Lanes)
                {
                    // The window's 4 × 4 pixels: framed rows 2p … 2p + 3, columns 2q … 2q + 3; dAB is row A, column B.
                    nuint a0 = (nuint)((2 * p * framedRow) + (2 * q * c) + chunk), a1 = a0 + row, a2 = a1 + row, a3 = a2 + row;
                    Vector512<float> d00 = Vector512.LoadUnsafe(ref dXRef, a0), d01 = Vector512.LoadUnsafe(ref dXRef, a0 + step);
                    Vector512<float> d02 = Vector512.LoadUnsafe(ref dXRef, a0 + (2 * step)), d03 = Vector512.LoadUnsafe(ref dXRef, a0 + (3 * step));
                    Vector512<float> d10 = Vector512.LoadUnsafe(ref dXRef, a1), d11 = Vector512.LoadUnsafe(ref dXRef, a1 + step);
                    Vector512<float> d12 = Vector512.LoadUnsafe(ref dXRef, a1 + (2 * step)), d13 = Vector512.LoadUnsafe(ref dXRef, a1 + (3 * step));
                    Vector512<float> d20 = Vector512.LoadUnsafe(ref dXRef, a2), d21 = Vector512.LoadUnsafe(ref dXRef, a2 + step);
                    Vector512<float> d22 = Vector512.LoadUnsafe(ref dXRef, a2 + (2 * step)), d23 = Vector512.LoadUnsafe(ref dXRef, a2 + (3 * step));
                    Vector512<float> d30 = Vector512.LoadUnsafe(ref dXRef, a3), d31 = Vector512.LoadUnsafe(ref dXRef, a3 + step);
                    Vector512<float> d32 = Vector512.LoadUnsafe(ref dXRef, a3 + (2 * step)), d33 = Vector512.LoadUnsafe(ref dXRef, a3 + (3 * step));
                    for (int word = 0; word < words; word++)
                    {
                        ref uint places = ref Unsafe.Add(ref filtersRef, (4 * word * padded) + o);
                        nuint first = (nuint)(32 * word);

                        // Maximum at the window's top left: the filter's taps on rows 0 … 2, columns 0 … 2.
                        for (uint m = places; m != 0; m &= m - 1)
                        {
                            nuint k = first + (nuint)BitOperations.TrailingZeroCount(m);
                            var v = Vector512.Create(Unsafe.Add(ref dPRef, (k * (nuint)windows) + (nuint)o));
                            ref float w = ref Unsafe.Add(ref wRef, (k * filter) + (nuint)chunk);
                            d00 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w), d00);
                            d01 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, step), d01);
                            d02 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 2 * step), d02);
                            d10 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 3 * step), d10);
                            d11 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 4 * step), d11);
                            d12 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 5 * step), d12);
                            d20 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 6 * step), d20);
                            d21 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 7 * step), d21);
                            d22 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 8 * step), d22);
                        }

                        // Top right: rows 0 … 2, columns 1 … 3.
                        for (uint m = Unsafe.Add(ref places, padded); m != 0; m &= m - 1)
                        {
                            nuint k = first + (nuint)BitOperations.TrailingZeroCount(m);
                            var v = Vector512.Create(Unsafe.Add(ref dPRef, (k * (nuint)windows) + (nuint)o));
                            ref float w = ref Unsafe.Add(ref wRef, (k * filter) + (nuint)chunk);
                            d01 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w), d01);
                            d02 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, step), d02);
                            d03 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 2 * step), d03);
                            d11 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 3 * step), d11);
                            d12 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 4 * step), d12);
                            d13 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 5 * step), d13);
                            d21 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 6 * step), d21);
                            d22 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 7 * step), d22);
                            d23 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 8 * step), d23);
                        }

                        // Bottom left: rows 1 … 3, columns 0 … 2.
                        for (uint m = Unsafe.Add(ref places, 2 * padded); m != 0; m &= m - 1)
                        {
                            nuint k = first + (nuint)BitOperations.TrailingZeroCount(m);
                            var v = Vector512.Create(Unsafe.Add(ref dPRef, (k * (nuint)windows) + (nuint)o));
                            ref float w = ref Unsafe.Add(ref wRef, (k * filter) + (nuint)chunk);
                            d10 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w), d10);
                            d11 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, step), d11);
                            d12 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 2 * step), d12);
                            d20 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 3 * step), d20);
                            d21 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 4 * step), d21);
                            d22 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 5 * step), d22);
                            d30 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 6 * step), d30);
                            d31 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 7 * step), d31);
                            d32 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 8 * step), d32);
                        }

                        // Bottom right: rows 1 … 3, columns 1 … 3.
                        for (uint m = Unsafe.Add(ref places, 3 * padded); m != 0; m &= m - 1)
                        {
                            nuint k = first + (nuint)BitOperations.TrailingZeroCount(m);
                            var v = Vector512.Create(Unsafe.Add(ref dPRef, (k * (nuint)windows) + (nuint)o));
                            ref float w = ref Unsafe.Add(ref wRef, (k * filter) + (nuint)chunk);
                            d11 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w), d11);
                            d12 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, step), d12);
                            d13 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 2 * step), d13);
                            d21 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 3 * step), d21);
                            d22 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 4 * step), d22);
                            d23 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 5 * step), d23);
                            d31 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 6 * step), d31);
                            d32 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 7 * step), d32);
                            d33 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w, 8 * step), d33);
                        }
                    }

                    d00.StoreUnsafe(ref dXRef, a0);
                    d01.StoreUnsafe(ref dXRef, a0 + step);
                    d02.StoreUnsafe(ref dXRef, a0 + (2 * step));
                    d03.StoreUnsafe(ref dXRef, a0 + (3 * step));
                    d10.StoreUnsafe(ref dXRef, a1);
                    d11.StoreUnsafe(ref dXRef, a1 + step);
                    d12.StoreUnsafe(ref dXRef, a1 + (2 * step));
                    d13.StoreUnsafe(ref dXRef, a1 + (3 * step));
                    d20.StoreUnsafe(ref dXRef, a2);
                    d21.StoreUnsafe(ref dXRef, a2 + step);
                    d22.StoreUnsafe(ref dXRef, a2 + (2 * step));
                    d23.StoreUnsafe(ref dXRef, a2 + (3 * step));
                    d30.StoreUnsafe(ref dXRef, a3);
                    d31.StoreUnsafe(ref dXRef, a3 + step);
                    d32.StoreUnsafe(ref dXRef, a3 + (2 * step));
                    d33.StoreUnsafe(ref dXRef, a3 + (3 * step));
                }
            }
        }
    }

    // Windows rounded up to whole vectors, so the tables Weights3x3 reads and writes sixteen at a time need no tail.
    private static int Padded(int windows) => (windows + Lanes - 1) / Lanes * Lanes;

    // 32-bit words of a set of filters.
    private static int Words(int outChannels) => (outChannels + 31) / 32;

    // Ints of scratch Weights3x3 takes for its tables (corners, framed corners, places, g's, one tail of g and argmax).
    private static int Lists3x3(Window2D pool) => (4 * Padded(pool.OutPlane)) + (2 * Lanes);

    // Ints of scratch for the filter sets of InputGradient3x3.
    private static int FilterSets(int outChannels, Window2D pool) => 4 * Words(outChannels) * Padded(pool.OutPlane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Or(ref uint destination, nuint at, Vector512<uint> bits) =>
        (Vector512.LoadUnsafe(ref destination, at) | bits).StoreUnsafe(ref destination, at);

    // Any kernel and stride: each window's taps added to the filter's sums in memory.
    private static void Filters(
        ReadOnlySpan<float> x, ReadOnlySpan<float> wT, ReadOnlySpan<float> dP, ReadOnlySpan<int> argmax, Span<float> dWT, Span<float> dB, Span<float> dX,
        bool inputGradient, int outChannels, Window2D conv, Window2D pool)
    {
        int c = conv.Channels, kH = conv.KernelHeight, kW = conv.KernelWidth, taps = kH * kW, stride = conv.Stride;
        int outW = conv.OutWidth, outPlane = conv.OutPlane, windows = pool.OutPlane, poolStride = pool.Stride, poolWidth = pool.KernelWidth;
        int framedRow = (conv.Width + (2 * conv.Padding)) * c;
        ulong rowsOf = RowsOf(outW);
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float dXRef = ref MemoryMarshal.GetReference(dX);
        ref float wTRef = ref MemoryMarshal.GetReference(wT);
        ref float dWTRef = ref MemoryMarshal.GetReference(dWT);
        for (int k = 0; k < outChannels; k++)
        {
            float bias = 0f;
            int windowRow = 0, windowColumn = 0;
            for (int o = 0; o < windows; o++, windowColumn += poolStride)
            {
                if (windowColumn + poolWidth > outW)
                {
                    windowColumn = 0;
                    windowRow += poolStride;
                }

                float g = dP[(k * windows) + o];
                if (g == 0f)
                {
                    continue;
                }

                bias += g;
                (int row, int column) = Place(argmax[(k * windows) + o] - (k * outPlane), windowRow, windowColumn, outW, rowsOf);
                var v = Vector512.Create(g);
                for (int r = 0; r < kH; r++)
                {
                    for (int s = 0; s < kW; s++)
                    {
                        nuint place = (nuint)((((row * stride) + r) * framedRow) + (((column * stride) + s) * c));
                        nuint tap = (nuint)(((k * taps) + (r * kW) + s) * c);
                        for (int lane = 0; lane < c; lane += Lanes)
                        {
                            Add(ref dWTRef, tap + (nuint)lane, v, Vector512.LoadUnsafe(ref xRef, place + (nuint)lane));
                            if (inputGradient)
                            {
                                Add(ref dXRef, place + (nuint)lane, v, Vector512.LoadUnsafe(ref wTRef, tap + (nuint)lane));
                            }
                        }
                    }
                }
            }

            dB[k] += bias;
        }
    }

    // Where in the convolution's output a window's maximum sat: argmax (within the channel) less the window's top-left corner
    // (row, column) is offset = down·OutW + across, down below the pooling window's height. down = ⌊offset / OutW⌋ by a
    // multiply and a shift (rowsOf = ⌊2³² / OutW⌋ + 1, exact for offsets below 2¹⁶), with no division and no branch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Row, int Column) Place(int at, int windowRow, int windowColumn, int outW, ulong rowsOf)
    {
        int offset = at - (windowRow * outW) - windowColumn;
        int down = (int)(((ulong)(uint)offset * rowsOf) >> 32);
        return (windowRow + down, windowColumn + offset - (down * outW));
    }

    // The multiplier of Place for a row of outW: ⌊2³² / outW⌋ + 1.
    private static ulong RowsOf(int outW) => (0x1_0000_0000UL / (ulong)outW) + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref float destination, nuint at, Vector512<float> g, Vector512<float> values) =>
        Vector512.FusedMultiplyAdd(g, values, Vector512.LoadUnsafe(ref destination, at)).StoreUnsafe(ref destination, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref float destination, nuint at, Vector512<float> values) =>
        (Vector512.LoadUnsafe(ref destination, at) + values).StoreUnsafe(ref destination, at);
}
