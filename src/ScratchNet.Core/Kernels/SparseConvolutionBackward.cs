using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
/// measured 3× slower: each window's store is read back by the next). The sums run in another order than the dense
/// products, so the results agree with them to float rounding, not bit for bit.
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

    /// <summary>Scratch per thread: the image channels-last (H·W, C) and the framed image and dX ((H + 2·pad)·(W + 2·pad), C) each.</summary>
    public static int ScratchLength(Window2D conv) => conv.Channels * ((conv.Height * conv.Width) + (2 * Framed(conv)));

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
        Guard.Holds(scratch.Length, 1, ScratchLength(conv), nameof(scratch));
        Guard.Holds(wT.Length, outChannels, conv.PatchSize, nameof(wT));
        Guard.Holds(dWT.Length, outChannels, conv.PatchSize, nameof(dWT));
        Guard.Holds(dP.Length, outChannels, pool.OutPlane, nameof(dP));
        Guard.Holds(argmax.Length, outChannels, pool.OutPlane, nameof(argmax));
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

        if (Is3x3(conv))
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
