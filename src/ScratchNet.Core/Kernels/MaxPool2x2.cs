using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// Max pooling over 2 × 2 windows with stride 2 on images of even width (the pooling of nearly every CNN), in
/// Vector512 registers: <see cref="Pooling.MaxForward"/> hands such windows here when AVX-512 is there.
/// </summary>
/// <remarks>
/// Each window is reduced in two steps, a tree with the same outcome as the scan of its four values in row-major
/// order that <see cref="Pooling"/> and <see cref="PoolingNaive"/> make:
/// <code>
/// top    = pick(x[2i, 2j],   x[2i, 2j+1])          pick(a, b) = b if b &gt; a or b is NaN, else a
/// bottom = pick(x[2i+1, 2j], x[2i+1, 2j+1])
/// y[i,j] = pick(top, bottom)
/// </code>
/// so a tie keeps the first maximum in row-major order and a NaN wins (the last NaN, as the scan), bit for bit.
/// The horizontal step takes one input row at a time: 32 values, split into their even and odd lanes by a
/// two-register permute, give 16 window halves. The vertical step then runs over the band of output rows as one flat
/// vector loop. Nothing branches on the data.
/// Backward writes every input place once, with no clearing first: 16 outputs of a row, each lane doubled by a permute,
/// give 32 places of the window row above and 32 below, each the output's gradient where the argmax points at it, else 0
/// (0 + gradient, as the scatter into a cleared buffer adds it, so a −0 comes out +0 there too).
/// </remarks>
internal static class MaxPool2x2
{
    /// <summary>Output values per band: the scratch (four arrays of this many plus a vector) stays in L1.</summary>
    private const int BandOutputs = 1024;

    private const int Lanes = 16;

    public static bool Handles(Window2D window) =>
        Avx512F.IsSupported && window.KernelHeight == 2 && window.KernelWidth == 2 && window.Stride == 2 && window.Width % 2 == 0
        && window.OutWidth <= BandOutputs; // a band's rows sit on the stack (Forward): one output row must fit a band

    // x: (n, C, H, W) · y: (n, C, H/2, W/2), overwritten · argmax: (n, C, H/2, W/2), overwritten (index within the image)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int n, Window2D window)
    {
        int h = window.Height, w = window.Width, outH = window.OutHeight, outW = window.OutWidth;
        int bandRows = Math.Max(1, Math.Min(outH, BandOutputs / outW));
        int scratchLength = (bandRows * outW) + Lanes;
        Span<float> topValues = stackalloc float[scratchLength];
        Span<float> bottomValues = stackalloc float[scratchLength];
        Span<int> topIndices = stackalloc int[scratchLength];
        Span<int> bottomIndices = stackalloc int[scratchLength];
        int planes = n * window.Channels, plane = h * w, outPlane = outH * outW;
        for (int p = 0; p < planes; p++)
        {
            int channelOffset = (p % window.Channels) * plane;
            ReadOnlySpan<float> xp = x.Slice(p * plane, plane);
            for (int i0 = 0; i0 < outH; i0 += bandRows)
            {
                int rows = Math.Min(bandRows, outH - i0);
                for (int r = 0; r < rows; r++)
                {
                    int top = 2 * (i0 + r) * w;
                    Horizontal(x, (p * plane) + top, xp, top, w, topValues, topIndices, r * outW);
                    Horizontal(x, (p * plane) + top + w, xp, top + w, w, bottomValues, bottomIndices, r * outW);
                }

                int o = (p * outPlane) + (i0 * outW);
                Vertical(topValues, topIndices, bottomValues, bottomIndices, y.Slice(o, rows * outW), argmax.Slice(o, rows * outW), channelOffset);
            }
        }
    }

    /// <summary>
    /// True when <see cref="ForwardImage"/> takes one image under these windows: the 2 × 2 stride-2 case on planes of even
    /// height and width, rows of at most 32 (a row's window halves fill at most a vector).
    /// </summary>
    public static bool HandlesImage(Window2D window) => Handles(window) && window.Height % 2 == 0 && window.Width <= 2 * Lanes;

    /// <summary>Scratch <see cref="ForwardImage"/> takes: the window halves' values and indices, C·H·W/2 each and a vector more.</summary>
    public static int ImageScratchLength(Window2D window) => 2 * ((window.InputSize / 2) + Lanes);

    // x: (C, H, W), one image · y: (C, H/2, W/2), overwritten · argmax: (C, H/2, W/2), overwritten (index within the image) ·
    // halves: ImageScratchLength
    // Forward's picks, bit for bit, with the image as one flat run: with H and W even, the pairs (2m, 2m + 1) of the flat
    // image are the windows' halves and rows 2i, 2i + 1 of each plane are consecutive, so neither step needs a call per row
    // (Forward on one image of 32 planes of 14 × 14 measured 0.165 ms a batch of 64, this 0.04).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per image per step; see Gemm.Run
    public static void ForwardImage(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, Span<float> halves, Window2D window)
    {
        int size = window.InputSize, half = size / 2, outputs = half / 2, width = window.Width, w2 = width / 2, pairs = size / (2 * width);
        Guard.Holds(x.Length, 1, size, nameof(x));
        Guard.Holds(y.Length, 1, outputs, nameof(y));
        Guard.Holds(argmax.Length, 1, outputs, nameof(argmax));
        Guard.Holds(halves.Length, 1, ImageScratchLength(window), nameof(halves));
        Span<float> values = halves[..(half + Lanes)];
        Span<int> indices = MemoryMarshal.Cast<float, int>(halves.Slice(half + Lanes, half + Lanes));
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float valueRef = ref MemoryMarshal.GetReference(values);
        ref int indexRef = ref MemoryMarshal.GetReference(indices);
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odd = even + Vector512<int>.One;

        // Horizontal: half m = pick(x[2m], x[2m + 1]), 16 from 32 values at a time.
        int m = 0;
        for (; (2 * m) + (2 * Lanes) <= size; m += Lanes)
        {
            Vector512<float> lower = Vector512.LoadUnsafe(ref source, (nuint)(2 * m));
            Vector512<float> upper = Vector512.LoadUnsafe(ref source, (nuint)((2 * m) + Lanes));
            Vector512<float> a = Avx512F.PermuteVar16x32x2(lower, even, upper);
            Vector512<float> b = Avx512F.PermuteVar16x32x2(lower, odd, upper);
            Vector512<float> take = Vector512.GreaterThan(b, a) | ~Vector512.Equals(b, b);
            Vector512.ConditionalSelect(take, b, a).StoreUnsafe(ref valueRef, (nuint)m);
            (Vector512.Create(2 * m) + even - take.AsInt32()).StoreUnsafe(ref indexRef, (nuint)m);
        }

        for (; m < half; m++)
        {
            float a = x[2 * m], b = x[(2 * m) + 1];
            bool take = b > a || float.IsNaN(b);
            values[m] = take ? b : a;
            indices[m] = (2 * m) + (take ? 1 : 0);
        }

        // Vertical: row pair p's W/2 outputs = pick(top halves, bottom halves), one vector a pair. Its lanes past W/2 hold
        // garbage that the next pair overwrites; the last pairs, whose vector would run past y, go one by one.
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref int argmaxRef = ref MemoryMarshal.GetReference(argmax);
        for (int p = 0; p < pairs; p++)
        {
            int top = p * width, bottom = top + w2, o = p * w2;
            if (o + Lanes <= outputs)
            {
                Vector512<float> upperHalf = Vector512.LoadUnsafe(ref valueRef, (nuint)top);
                Vector512<float> lowerHalf = Vector512.LoadUnsafe(ref valueRef, (nuint)bottom);
                Vector512<float> take = Vector512.GreaterThan(lowerHalf, upperHalf) | ~Vector512.Equals(lowerHalf, lowerHalf);
                Vector512.ConditionalSelect(take, lowerHalf, upperHalf).StoreUnsafe(ref yRef, (nuint)o);
                Vector512.ConditionalSelect(take.AsInt32(), Vector512.LoadUnsafe(ref indexRef, (nuint)bottom), Vector512.LoadUnsafe(ref indexRef, (nuint)top))
                    .StoreUnsafe(ref argmaxRef, (nuint)o);
                continue;
            }

            for (int j = 0; j < w2; j++)
            {
                bool take = values[bottom + j] > values[top + j] || float.IsNaN(values[bottom + j]);
                y[o + j] = take ? values[bottom + j] : values[top + j];
                argmax[o + j] = take ? indices[bottom + j] : indices[top + j];
            }
        }
    }

    // One input row of w values, at `offset` in x (`start` in its plane xp) → w/2 window halves into values/indices at `at`;
    // the vector path may write up to 16 entries past them (the next row's, written later, or the scratch's slack).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Horizontal(ReadOnlySpan<float> x, int offset, ReadOnlySpan<float> xp, int start, int w, Span<float> values, Span<int> indices, int at)
    {
        int half = w / 2;
        if (w < 2 * Lanes && offset + (2 * Lanes) > x.Length)
        {
            // A short last row: a 32-value load would run off the end of x.
            for (int j = 0; j < half; j++)
            {
                float a = xp[start + (2 * j)], b = xp[start + (2 * j) + 1];
                bool take = b > a || float.IsNaN(b);
                values[at + j] = take ? b : a;
                indices[at + j] = start + (2 * j) + (take ? 1 : 0);
            }

            return;
        }

        ref float source = ref MemoryMarshal.GetReference(x);
        ref float valueRef = ref MemoryMarshal.GetReference(values);
        ref int indexRef = ref MemoryMarshal.GetReference(indices);
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odd = even + Vector512<int>.One;

        // Chunks of 32 inputs; a row longer than 32 ends with a chunk that overlaps the one before (same results rewritten).
        for (int c = 0; c < w; c += 2 * Lanes)
        {
            int chunk = w >= 2 * Lanes ? Math.Min(c, w - (2 * Lanes)) : 0;
            Vector512<float> lower = Vector512.LoadUnsafe(ref source, (nuint)(offset + chunk));
            Vector512<float> upper = Vector512.LoadUnsafe(ref source, (nuint)(offset + chunk + Lanes));
            Vector512<float> a = Avx512F.PermuteVar16x32x2(lower, even, upper);
            Vector512<float> b = Avx512F.PermuteVar16x32x2(lower, odd, upper);
            Vector512<float> take = Vector512.GreaterThan(b, a) | ~Vector512.Equals(b, b);
            Vector512.ConditionalSelect(take, b, a).StoreUnsafe(ref valueRef, (nuint)(at + (chunk / 2)));

            // take is all ones (−1 as an int) where the odd column wins: subtracting it adds 1.
            (Vector512.Create(start + chunk) + even - take.AsInt32()).StoreUnsafe(ref indexRef, (nuint)(at + (chunk / 2)));
        }
    }

    // y[o] = pick(top[o], bottom[o]) over the band's outputs; argmax the winner's index within the plane + channelOffset.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vertical(
        ReadOnlySpan<float> topValues, ReadOnlySpan<int> topIndices, ReadOnlySpan<float> bottomValues, ReadOnlySpan<int> bottomIndices,
        Span<float> y, Span<int> argmax, int channelOffset)
    {
        int count = y.Length;
        int o = 0;
        if (count >= Lanes)
        {
            ref float tv = ref MemoryMarshal.GetReference(topValues);
            ref float bv = ref MemoryMarshal.GetReference(bottomValues);
            ref int ti = ref MemoryMarshal.GetReference(topIndices);
            ref int bi = ref MemoryMarshal.GetReference(bottomIndices);
            ref float yRef = ref MemoryMarshal.GetReference(y);
            ref int argmaxRef = ref MemoryMarshal.GetReference(argmax);
            Vector512<int> offset = Vector512.Create(channelOffset);

            // The last vector overlaps the one before when count is not a multiple of 16 (same results rewritten).
            for (; o < count; o += Lanes)
            {
                nuint at = (nuint)Math.Min(o, count - Lanes);
                Vector512<float> top = Vector512.LoadUnsafe(ref tv, at);
                Vector512<float> bottom = Vector512.LoadUnsafe(ref bv, at);
                Vector512<float> take = Vector512.GreaterThan(bottom, top) | ~Vector512.Equals(bottom, bottom);
                Vector512.ConditionalSelect(take, bottom, top).StoreUnsafe(ref yRef, at);
                (Vector512.ConditionalSelect(take.AsInt32(), Vector512.LoadUnsafe(ref bi, at), Vector512.LoadUnsafe(ref ti, at)) + offset)
                    .StoreUnsafe(ref argmaxRef, at);
            }

            return;
        }

        for (; o < count; o++)
        {
            bool take = bottomValues[o] > topValues[o] || float.IsNaN(bottomValues[o]);
            y[o] = take ? bottomValues[o] : topValues[o];
            argmax[o] = (take ? bottomIndices[o] : topIndices[o]) + channelOffset;
        }
    }

    // dY: (n, C, H/2, W/2) · argmax: from Forward · dX: (n, C, H, W), overwritten (a last odd row with zeros)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Backward(ReadOnlySpan<float> dY, ReadOnlySpan<int> argmax, Span<float> dX, int n, Window2D window)
    {
        int h = window.Height, w = window.Width, outH = window.OutHeight, outW = window.OutWidth;
        int planes = n * window.Channels, plane = h * w, outPlane = outH * outW;
        ref float dYRef = ref MemoryMarshal.GetReference(dY);
        ref int argmaxRef = ref MemoryMarshal.GetReference(argmax);
        ref float dXRef = ref MemoryMarshal.GetReference(dX);
        Vector512<int> low = Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
        Vector512<int> high = low + Vector512.Create(8);
        Vector512<int> place = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (int p = 0; p < planes; p++)
        {
            int channelOffset = (p % window.Channels) * plane;
            for (int i = 0; i < outH; i++)
            {
                int o = (p * outPlane) + (i * outW), top = (p * plane) + (2 * i * w);

                // A row of fewer than 16 outputs is read and written 16 wide: the extra lanes spill into the rows after,
                // which are written later. The last row of all has nothing after it to spill into.
                if (outW < Lanes && (o + Lanes > dY.Length || top + w + (2 * Lanes) > dX.Length))
                {
                    BackwardRowScalar(dY, argmax, dX, o, top, outW, w, (p * plane) - channelOffset);
                    continue;
                }

                for (int c = 0; c < outW; c += Lanes)
                {
                    int j = outW >= Lanes ? Math.Min(c, outW - Lanes) : 0;
                    Vector512<float> gradient = Vector512.LoadUnsafe(ref dYRef, (nuint)(o + j));
                    Vector512<int> at = Vector512.LoadUnsafe(ref argmaxRef, (nuint)(o + j));
                    Vector512<float> gradientLow = Avx512F.PermuteVar16x32(gradient, low), gradientHigh = Avx512F.PermuteVar16x32(gradient, high);
                    Vector512<int> atLow = Avx512F.PermuteVar16x32(at, low), atHigh = Avx512F.PermuteVar16x32(at, high);
                    Vector512<int> first = Vector512.Create(channelOffset + (2 * i * w) + (2 * j)) + place;
                    Route(ref dXRef, top + (2 * j), gradientLow, gradientHigh, atLow, atHigh, first);
                    Route(ref dXRef, top + w + (2 * j), gradientLow, gradientHigh, atLow, atHigh, first + Vector512.Create(w));
                }
            }

            if (h % 2 == 1)
            {
                dX.Slice((p * plane) + ((h - 1) * w), w).Clear();
            }
        }
    }

    // 32 places of one input row from [start]: those the doubled argmax points at get the doubled gradient, the others 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Route(
        ref float dX, int start, Vector512<float> gradientLow, Vector512<float> gradientHigh, Vector512<int> atLow, Vector512<int> atHigh, Vector512<int> first)
    {
        Vector512<float> zero = Vector512<float>.Zero;
        (zero + Vector512.ConditionalSelect(Vector512.Equals(atLow, first).AsSingle(), gradientLow, zero)).StoreUnsafe(ref dX, (nuint)start);
        (zero + Vector512.ConditionalSelect(Vector512.Equals(atHigh, first + Vector512.Create(Lanes)).AsSingle(), gradientHigh, zero))
            .StoreUnsafe(ref dX, (nuint)(start + Lanes));
    }

    // One output row's two window rows, cleared, then each gradient added where its argmax (within the image at imageStart) points.
    private static void BackwardRowScalar(ReadOnlySpan<float> dY, ReadOnlySpan<int> argmax, Span<float> dX, int o, int top, int outW, int w, int imageStart)
    {
        dX.Slice(top, 2 * w).Clear();
        for (int j = 0; j < outW; j++)
        {
            dX[imageStart + argmax[o + j]] += dY[o + j];
        }
    }
}
