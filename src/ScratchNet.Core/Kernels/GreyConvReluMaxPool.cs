using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ScratchNet.Core.Activations;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// <see cref="ConvReluMaxPool"/> for grey images (one input channel, MNIST's first layer), stride 1, 2 × 2 pooling of stride 2
/// and whole vectors of output channels (K a multiple of 16). Lowered to matrix products, such a block is badly shaped: forward is
/// W (K, kH·kW) · cols (kH·kW, OutH·OutW) with k = 9 for a 3 × 3 kernel, and the weight gradient dR · colsᵀ has 9 columns, less
/// than a vector; both ran at a sixth to a third of the FMA peak. Here the output channels are the vector lanes:
/// <code>
/// forward, per window of the pooling, for 16 channels at once:
///     z[p]   = chain over taps t = (r, s) in order of fma(x_framed[p + t], wᵀ[t], ·) from 0, then + b    for its four places p
///     y, argmax = pick(pick(relu z[p00], relu z[p01]), pick(relu z[p10], relu z[p11]))                  (as <see cref="MaxPool2x2"/>)
/// backward, per window, for 16 channels at once, g = y &gt; 0 ? dY : 0 sent to the one place p its argmax names (per lane):
///     dWᵀ[t] += x_framed[p + t] · g,   dB += g
/// </code>
/// The image sits in a frame of its padding ((H + 2·pad) × (W + 2·pad), zeros around) so no tap needs a bounds check, and the
/// pooled values and argmax are made channels-last, (PH·PW, K), then transposed to NCHW; backward transposes the pooled
/// gradient and argmax channels-last the same way. For 3 × 3 kernels (the cnn recipe's) the nine weights (forward) or the nine
/// gradient sums (backward) stay in registers, forward runs two windows side by side (eight chains in flight), and backward
/// picks each lane's patch out of the 4 × 4 a window's places share, one FMA a tap; other kernels take the same steps in loops.
/// Forward is bit for bit what the layers give (<see cref="Conv2DLowered"/> → ReLU → <see cref="Pooling"/>): each z is the chain
/// <see cref="Gemm"/> makes for an element of W · cols (taps in order, padding taps included, from 0), the bias added after as
/// <see cref="Bias.ForwardChannels"/> does, ReLU as the vector max with 0, and the pooling's pick tree. Backward sums in another
/// order than the dense products, so it agrees with them to float rounding; each call sums its images in order, so the gradient
/// groups of <see cref="Conv2DLowered.GradientGroup"/> images give the same bits on every thread count.
/// </summary>
public static class GreyConvReluMaxPool
{
    private const int Lanes = 16;
    private static readonly Relu Rectifier = new();

    /// <summary>True for one input channel, stride 1, K a multiple of 16 and 2 × 2 pooling of stride 2, when AVX-512 is there.</summary>
    public static bool Handles(int outChannels, Window2D conv, Window2D pool) =>
        Avx512F.IsSupported && conv.Channels == 1 && outChannels % Lanes == 0 && conv.Stride == 1
        && pool.KernelHeight == 2 && pool.KernelWidth == 2 && pool.Stride == 2 && ConvReluMaxPool.Fits(outChannels, conv, pool);

    /// <summary>
    /// Scratch: the framed image, the weights or their gradient channels-last (kH·kW, K), and three (PH·PW, K) tiles: forward's
    /// pooled values and argmax, backward's gradient of the pooled values, it channels-last and the argmax channels-last.
    /// </summary>
    public static int ScratchLength(int outChannels, Window2D conv, Window2D pool) =>
        FramedLength(conv) + (conv.PatchSize * outChannels) + (3 * outChannels * pool.OutPlane);

    // x: (n, 1, H, W) · w: (K, 1, kH, kW) · b: (K) · y: (n, K, PH, PW), overwritten · argmax: (n, K, PH, PW), overwritten (index
    // within the image of the convolution's output, k·OutH·OutW + h·OutW + w) · scratch: ScratchLength
    /// <remarks>y[n,k,i,j] = max over the 2 × 2 window (i, j) of max(0, b[k] + Σr Σs w[k,0,r,s]·x[n, 0, h + r − pad, w + s − pad])</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Forward(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, Span<int> argmax, Span<float> scratch,
        int n, int outChannels, Window2D conv, Window2D pool)
    {
        Check(n, outChannels, conv, pool, x.Length, y.Length, nameof(y), argmax.Length, nameof(argmax), scratch.Length);
        Guard.Holds(w.Length, outChannels, conv.PatchSize, nameof(w));
        Conv2DLowered.CheckBias(b.Length, outChannels, nameof(b));
        int image = conv.InputSize, windows = pool.OutPlane, output = outChannels * windows, taps = conv.PatchSize;
        Span<float> framed = scratch[..FramedLength(conv)];
        Span<float> wT = scratch.Slice(framed.Length, taps * outChannels);
        Span<float> values = scratch.Slice(framed.Length + wT.Length, output);
        Span<float> indices = scratch.Slice(framed.Length + wT.Length + output, output);

        // The frame's border stays 0 from here on: each image rewrites only the inside.
        framed.Clear();
        TransposeKernel.Run(w, wT, outChannels, taps);
        for (int i = 0; i < n; i++)
        {
            Frame(x.Slice(i * image, image), framed, conv);
            for (int k = 0; k < outChannels; k += Lanes)
            {
                PoolChannels(framed, wT, b, values, MemoryMarshal.Cast<float, int>(indices), k, outChannels, conv, pool);
            }

            TransposeKernel.Run(values, y.Slice(i * output, output), windows, outChannels);
            TransposeKernel.Run(indices, MemoryMarshal.Cast<int, float>(argmax.Slice(i * output, output)), windows, outChannels);
        }
    }

    // x, y, argmax: as Forward · dY: (n, K, PH, PW) · dW: (K, 1, kH, kW), dB: (K), both overwritten · scratch: ScratchLength
    /// <remarks>
    /// dW[k,0,r,s] = Σn Σ windows g·x[n, 0, h + r − pad, w + s − pad] and dB[k] = Σn Σ windows g, where g = y &gt; 0 ? dY : 0 and
    /// (h, w) is where the window's maximum sat; the images in order, each window's sum added to the running one.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Backward(
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<int> argmax, ReadOnlySpan<float> dY, Span<float> dW, Span<float> dB,
        Span<float> scratch, int n, int outChannels, Window2D conv, Window2D pool)
    {
        Check(n, outChannels, conv, pool, x.Length, y.Length, nameof(y), argmax.Length, nameof(argmax), scratch.Length);
        Guard.Holds(dY.Length, n, outChannels * pool.OutPlane, nameof(dY));
        Guard.Holds(dW.Length, outChannels, conv.PatchSize, nameof(dW));
        Conv2DLowered.CheckBias(dB.Length, outChannels, nameof(dB));
        int image = conv.InputSize, windows = pool.OutPlane, output = outChannels * windows, taps = conv.PatchSize;
        Span<float> framed = scratch[..FramedLength(conv)];
        Span<float> dWT = scratch.Slice(framed.Length, taps * outChannels);
        Span<float> dPooled = scratch.Slice(framed.Length + dWT.Length, output);
        Span<float> gradients = scratch.Slice(framed.Length + dWT.Length + output, output);
        Span<float> indices = scratch.Slice(framed.Length + dWT.Length + (2 * output), output);
        framed.Clear();
        dWT.Clear();
        dB.Clear();
        for (int i = 0; i < n; i++)
        {
            Frame(x.Slice(i * image, image), framed, conv);

            // ReLU's backward where each maximum sat: y > 0 ? dY : 0.
            Rectifier.Backward(default, y.Slice(i * output, output), dY.Slice(i * output, output), dPooled);
            TransposeKernel.Run(dPooled, gradients, outChannels, windows);
            TransposeKernel.Run(MemoryMarshal.Cast<int, float>(argmax.Slice(i * output, output)), indices, outChannels, windows);
            for (int k = 0; k < outChannels; k += Lanes)
            {
                AccumulateChannels(framed, gradients, MemoryMarshal.Cast<float, int>(indices), dWT, dB, k, outChannels, conv, pool);
            }
        }

        TransposeKernel.Run(dWT, dW, taps, outChannels);
    }

    // The 16 channels from k: every window's pooled value and argmax into values, indices (PH·PW, K) at [window, k].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called once per image and 16 channels: no tier-0 code in the loops
    private static void PoolChannels(
        ReadOnlySpan<float> framed, ReadOnlySpan<float> wT, ReadOnlySpan<float> b, Span<float> values, Span<int> indices,
        int k, int outChannels, Window2D conv, Window2D pool)
    {
        ref float f = ref MemoryMarshal.GetReference(framed);
        ref float wk = ref Unsafe.Add(ref MemoryMarshal.GetReference(wT), k);
        ref float valueRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(values), k);
        ref int indexRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(indices), k);
        var bias = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(b), (nuint)k);
        Vector512<int> channelStart = (Vector512.Create(k) + Vector512<int>.Indices) * Vector512.Create(conv.OutPlane);
        int framedWidth = conv.Width + (2 * conv.Padding), outWidth = conv.OutWidth, kH = conv.KernelHeight, kW = conv.KernelWidth;

        // 3 × 3 (the cnn recipe's): the nine weight vectors stay in registers over all windows, not loaded again for each.
        bool is3x3 = kH == 3 && kW == 3;
        nuint kk = (nuint)outChannels;
        Vector512<float> w0 = default, w1 = default, w2 = default, w3 = default, w4 = default, w5 = default, w6 = default, w7 = default, w8 = default;
        if (is3x3)
        {
            (w0, w1, w2) = (Vector512.LoadUnsafe(ref wk), Vector512.LoadUnsafe(ref wk, kk), Vector512.LoadUnsafe(ref wk, 2 * kk));
            (w3, w4, w5) = (Vector512.LoadUnsafe(ref wk, 3 * kk), Vector512.LoadUnsafe(ref wk, 4 * kk), Vector512.LoadUnsafe(ref wk, 5 * kk));
            (w6, w7, w8) = (Vector512.LoadUnsafe(ref wk, 6 * kk), Vector512.LoadUnsafe(ref wk, 7 * kk), Vector512.LoadUnsafe(ref wk, 8 * kk));
        }

        for (int pi = 0; pi < pool.OutHeight; pi++)
        {
            int pj = 0;

            // Two windows side by side, tap by tap: eight chains in flight for the FMA's latency (one window's four chains
            // written one after the other measured about 4 % slower).
            for (; is3x3 && pj + 2 <= pool.OutWidth; pj += 2)
            {
                ref float top = ref Unsafe.Add(ref f, (2 * pi * framedWidth) + (2 * pj));
                ref float middle = ref Unsafe.Add(ref top, framedWidth);
                ref float bottom = ref Unsafe.Add(ref top, 2 * framedWidth);
                Vector512<float> u0 = Vector512<float>.Zero, u1 = u0, u2 = u0, u3 = u0, l0 = u0, l1 = u0, l2 = u0, l3 = u0;
                Tap(ref top, framedWidth, w0, ref u0, ref u1, ref u2, ref u3, ref l0, ref l1, ref l2, ref l3);
                Tap(ref Unsafe.Add(ref top, 1), framedWidth, w1, ref u0, ref u1, ref u2, ref u3, ref l0, ref l1, ref l2, ref l3);
                Tap(ref Unsafe.Add(ref top, 2), framedWidth, w2, ref u0, ref u1, ref u2, ref u3, ref l0, ref l1, ref l2, ref l3);
                Tap(ref middle, framedWidth, w3, ref u0, ref u1, ref u2, ref u3, ref l0, ref l1, ref l2, ref l3);
                Tap(ref Unsafe.Add(ref middle, 1), framedWidth, w4, ref u0, ref u1, ref u2, ref u3, ref l0, ref l1, ref l2, ref l3);
                Tap(ref Unsafe.Add(ref middle, 2), framedWidth, w5, ref u0, ref u1, ref u2, ref u3, ref l0, ref l1, ref l2, ref l3);
                Tap(ref bottom, framedWidth, w6, ref u0, ref u1, ref u2, ref u3, ref l0, ref l1, ref l2, ref l3);
                Tap(ref Unsafe.Add(ref bottom, 1), framedWidth, w7, ref u0, ref u1, ref u2, ref u3, ref l0, ref l1, ref l2, ref l3);
                Tap(ref Unsafe.Add(ref bottom, 2), framedWidth, w8, ref u0, ref u1, ref u2, ref u3, ref l0, ref l1, ref l2, ref l3);
                int o = ((pi * pool.OutWidth) + pj) * outChannels;
                Vector512<int> first = channelStart + Vector512.Create((2 * pi * outWidth) + (2 * pj));
                PoolWindow(u0, u1, l0, l1, bias, first, outWidth, ref Unsafe.Add(ref valueRef, o), ref Unsafe.Add(ref indexRef, o));
                PoolWindow(
                    u2, u3, l2, l3, bias, first + Vector512.Create(2), outWidth, ref Unsafe.Add(ref valueRef, o + outChannels), ref Unsafe.Add(ref indexRef, o + outChannels));
            }

            // Other kernels (and a last odd window): the weights from memory, tap by tap.
            for (; pj < pool.OutWidth; pj++)
            {
                ref float top = ref Unsafe.Add(ref f, (2 * pi * framedWidth) + (2 * pj));
                Vector512<float> z00 = Vector512<float>.Zero, z01 = z00, z10 = z00, z11 = z00;
                nuint t = 0;
                for (int r = 0; r < kH; r++)
                {
                    ref float row = ref Unsafe.Add(ref top, r * framedWidth);
                    for (int s = 0; s < kW; s++, t += (nuint)outChannels)
                    {
                        Vector512<float> wv = Vector512.LoadUnsafe(ref wk, t);
                        ref float at = ref Unsafe.Add(ref row, s);
                        z00 = Vector512.FusedMultiplyAdd(Vector512.Create(at), wv, z00);
                        z01 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref at, 1)), wv, z01);
                        z10 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref at, framedWidth)), wv, z10);
                        z11 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref at, framedWidth + 1)), wv, z11);
                    }
                }

                int o = ((pi * pool.OutWidth) + pj) * outChannels;
                Vector512<int> first = channelStart + Vector512.Create((2 * pi * outWidth) + (2 * pj));
                PoolWindow(z00, z01, z10, z11, bias, first, outWidth, ref Unsafe.Add(ref valueRef, o), ref Unsafe.Add(ref indexRef, o));
            }
        }
    }

    // One tap's step of the chains of two windows side by side: the outputs (upper row u0 … u3, lower row l0 … l3) whose
    // windows start at `at` and the three places to its right, and the row below; each chain = fma(x there, the tap's weights, chain).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap(
        ref float at, int framedWidth, Vector512<float> w, ref Vector512<float> u0, ref Vector512<float> u1, ref Vector512<float> u2, ref Vector512<float> u3,
        ref Vector512<float> l0, ref Vector512<float> l1, ref Vector512<float> l2, ref Vector512<float> l3)
    {
        ref float below = ref Unsafe.Add(ref at, framedWidth);
        u0 = Vector512.FusedMultiplyAdd(Vector512.Create(at), w, u0);
        u1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref at, 1)), w, u1);
        u2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref at, 2)), w, u2);
        u3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref at, 3)), w, u3);
        l0 = Vector512.FusedMultiplyAdd(Vector512.Create(below), w, l0);
        l1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref below, 1)), w, l1);
        l2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref below, 2)), w, l2);
        l3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref below, 3)), w, l3);
    }

    // A window's four convolution outputs before the bias (its upper row z00, z01, lower z10, z11) → the pooled value and where
    // it sat, from `first`, the index of z00 in each channel. The tree is MaxPool2x2's, pick(pick(z00, z01), pick(z10, z11)),
    // with the bias added first as Bias.ForwardChannels does. ReLU comes after the tree, which gives the bits of ReLU before
    // it: positives and NaNs keep their order and the tree picks the same one, and where the maximum m is ≤ 0 all four are
    // cut to 0, a tie the first place wins, and max(m, 0) is that 0 (Relu's vector max, so −0 and NaN come out as there).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PoolWindow(
        Vector512<float> z00, Vector512<float> z01, Vector512<float> z10, Vector512<float> z11, Vector512<float> bias, Vector512<int> first, int outWidth,
        ref float value, ref int index)
    {
        (Vector512<float> upper, Vector512<int> upperAt) = Pick(z00 + bias, first, z01 + bias, first + Vector512<int>.One);
        (Vector512<float> lower, Vector512<int> lowerAt) = Pick(z10 + bias, first + Vector512.Create(outWidth), z11 + bias, first + Vector512.Create(outWidth + 1));
        (Vector512<float> max, Vector512<int> maxAt) = Pick(upper, upperAt, lower, lowerAt);
        Vector512<float> kept = Vector512.GreaterThan(max, Vector512<float>.Zero) | ~Vector512.Equals(max, max);
        Vector512.Max(max, Vector512<float>.Zero).StoreUnsafe(ref value);
        Vector512.ConditionalSelect(kept.AsInt32(), maxAt, first).StoreUnsafe(ref index);
    }

    // pick(a, b) = b if b > a or b is NaN, else a: MaxPool2x2's step, so a tie keeps the first maximum and a NaN wins.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> Value, Vector512<int> At) Pick(Vector512<float> a, Vector512<int> aAt, Vector512<float> b, Vector512<int> bAt)
    {
        Vector512<float> take = Vector512.GreaterThan(b, a) | ~Vector512.Equals(b, b);
        return (Vector512.ConditionalSelect(take, b, a), Vector512.ConditionalSelect(take.AsInt32(), bAt, aAt));
    }

    // The 16 channels from k: dWT (kH·kW, K) and dB += every window's gradient (gradients, indices: (PH·PW, K)) at the place its
    // argmax names times the patch there.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called once per image and 16 channels: no tier-0 code in the loops
    private static void AccumulateChannels(
        ReadOnlySpan<float> framed, ReadOnlySpan<float> gradients, ReadOnlySpan<int> indices, Span<float> dWT, Span<float> dB,
        int k, int outChannels, Window2D conv, Window2D pool)
    {
        ref float f = ref MemoryMarshal.GetReference(framed);
        ref float dWk = ref Unsafe.Add(ref MemoryMarshal.GetReference(dWT), k);
        ref float gradientRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(gradients), k);
        ref int indexRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(indices), k);
        ref float dBRef = ref MemoryMarshal.GetReference(dB);
        Vector512<float> biasSum = Vector512.LoadUnsafe(ref dBRef, (nuint)k);
        Vector512<int> channelStart = (Vector512.Create(k) + Vector512<int>.Indices) * Vector512.Create(conv.OutPlane);
        int framedWidth = conv.Width + (2 * conv.Padding), outWidth = conv.OutWidth, kH = conv.KernelHeight, kW = conv.KernelWidth;

        // 3 × 3: the nine sums stay in registers over all windows (kept in memory, each window's store is read back by the next).
        bool is3x3 = kH == 3 && kW == 3;
        nuint kk = (nuint)outChannels;
        Vector512<float> d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default, d6 = default, d7 = default, d8 = default;
        if (is3x3)
        {
            (d0, d1, d2) = (Vector512.LoadUnsafe(ref dWk), Vector512.LoadUnsafe(ref dWk, kk), Vector512.LoadUnsafe(ref dWk, 2 * kk));
            (d3, d4, d5) = (Vector512.LoadUnsafe(ref dWk, 3 * kk), Vector512.LoadUnsafe(ref dWk, 4 * kk), Vector512.LoadUnsafe(ref dWk, 5 * kk));
            (d6, d7, d8) = (Vector512.LoadUnsafe(ref dWk, 6 * kk), Vector512.LoadUnsafe(ref dWk, 7 * kk), Vector512.LoadUnsafe(ref dWk, 8 * kk));
        }

        for (int pi = 0; pi < pool.OutHeight; pi++)
        {
            for (int pj = 0; pj < pool.OutWidth; pj++)
            {
                nuint o = (nuint)(((pi * pool.OutWidth) + pj) * outChannels);
                Vector512<float> g = Vector512.LoadUnsafe(ref gradientRef, o);

                // ReLU cut every channel here (or the gradient is 0): nothing to add.
                if (Vector512.EqualsAll(g, Vector512<float>.Zero))
                {
                    continue;
                }

                Vector512<int> at = Vector512.LoadUnsafe(ref indexRef, o);
                Vector512<int> first = channelStart + Vector512.Create((2 * pi * outWidth) + (2 * pj));
                biasSum += g;
                ref float top = ref Unsafe.Add(ref f, (2 * pi * framedWidth) + (2 * pj));
                if (is3x3)
                {
                    // Each lane takes the 3 × 3 patch at its own maximum's place, picked out of the 4 × 4 the window's four
                    // places share (the lower rows where it sat below, the right columns where it sat right): one FMA a tap.
                    Vector512<int> offset = at - first;
                    Vector512<float> down = Vector512.GreaterThanOrEqual(offset, Vector512.Create(outWidth)).AsSingle();
                    Vector512<float> right = (Vector512.Equals(offset, Vector512<int>.One) | Vector512.Equals(offset, Vector512.Create(outWidth + 1))).AsSingle();
                    ref float middle = ref Unsafe.Add(ref top, framedWidth);
                    PatchRow(ref top, framedWidth, down, right, g, ref d0, ref d1, ref d2);
                    PatchRow(ref middle, framedWidth, down, right, g, ref d3, ref d4, ref d5);
                    PatchRow(ref Unsafe.Add(ref middle, framedWidth), framedWidth, down, right, g, ref d6, ref d7, ref d8);
                    continue;
                }

                Vector512<float> g00 = Vector512.ConditionalSelect(Vector512.Equals(at, first).AsSingle(), g, Vector512<float>.Zero);
                Vector512<float> g01 = Vector512.ConditionalSelect(Vector512.Equals(at, first + Vector512<int>.One).AsSingle(), g, Vector512<float>.Zero);
                Vector512<float> g10 = Vector512.ConditionalSelect(Vector512.Equals(at, first + Vector512.Create(outWidth)).AsSingle(), g, Vector512<float>.Zero);
                Vector512<float> g11 = Vector512.ConditionalSelect(Vector512.Equals(at, first + Vector512.Create(outWidth + 1)).AsSingle(), g, Vector512<float>.Zero);
                nuint t = 0;
                for (int r = 0; r < kH; r++)
                {
                    ref float row = ref Unsafe.Add(ref top, r * framedWidth);
                    for (int s = 0; s < kW; s++, t += (nuint)outChannels)
                    {
                        Taps(ref Unsafe.Add(ref row, s), framedWidth, g00, g01, g10, g11, Vector512.LoadUnsafe(ref dWk, t)).StoreUnsafe(ref dWk, t);
                    }
                }
            }
        }

        if (is3x3)
        {
            d0.StoreUnsafe(ref dWk);
            d1.StoreUnsafe(ref dWk, kk);
            d2.StoreUnsafe(ref dWk, 2 * kk);
            d3.StoreUnsafe(ref dWk, 3 * kk);
            d4.StoreUnsafe(ref dWk, 4 * kk);
            d5.StoreUnsafe(ref dWk, 5 * kk);
            d6.StoreUnsafe(ref dWk, 6 * kk);
            d7.StoreUnsafe(ref dWk, 7 * kk);
            d8.StoreUnsafe(ref dWk, 8 * kk);
        }

        biasSum.StoreUnsafe(ref dBRef, (nuint)k);
    }

    // Kernel row r's three sums (d0, d1, d2) += g times each lane's patch row: from `at` (the row r of the window's 4 × 4) or
    // the row below where `down`, its columns 0 … 2 or 1 … 3 where `right`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PatchRow(
        ref float at, int framedWidth, Vector512<float> down, Vector512<float> right, Vector512<float> g,
        ref Vector512<float> d0, ref Vector512<float> d1, ref Vector512<float> d2)
    {
        ref float below = ref Unsafe.Add(ref at, framedWidth);
        Vector512<float> c0 = Vector512.ConditionalSelect(down, Vector512.Create(below), Vector512.Create(at));
        Vector512<float> c1 = Vector512.ConditionalSelect(down, Vector512.Create(Unsafe.Add(ref below, 1)), Vector512.Create(Unsafe.Add(ref at, 1)));
        Vector512<float> c2 = Vector512.ConditionalSelect(down, Vector512.Create(Unsafe.Add(ref below, 2)), Vector512.Create(Unsafe.Add(ref at, 2)));
        Vector512<float> c3 = Vector512.ConditionalSelect(down, Vector512.Create(Unsafe.Add(ref below, 3)), Vector512.Create(Unsafe.Add(ref at, 3)));
        d0 = Vector512.FusedMultiplyAdd(Vector512.ConditionalSelect(right, c1, c0), g, d0);
        d1 = Vector512.FusedMultiplyAdd(Vector512.ConditionalSelect(right, c2, c1), g, d1);
        d2 = Vector512.FusedMultiplyAdd(Vector512.ConditionalSelect(right, c3, c2), g, d2);
    }

    // sum + one tap's four terms, the window's places in row-major order: x at the tap of place p times g[p] (0 in the lanes
    // whose maximum sat elsewhere).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Taps(
        ref float at, int framedWidth, Vector512<float> g00, Vector512<float> g01, Vector512<float> g10, Vector512<float> g11, Vector512<float> sum)
    {
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(at), g00, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref at, 1)), g01, sum);
        sum = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref at, framedWidth)), g10, sum);
        return Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref at, framedWidth + 1)), g11, sum);
    }

    // xi: (H, W) → the inside of framed ((H + 2·pad), (W + 2·pad)); the border is left as it is (0).
    private static void Frame(ReadOnlySpan<float> xi, Span<float> framed, Window2D conv)
    {
        int h = conv.Height, w = conv.Width, pad = conv.Padding, framedWidth = w + (2 * pad);
        for (int r = 0; r < h; r++)
        {
            xi.Slice(r * w, w).CopyTo(framed.Slice(((r + pad) * framedWidth) + pad, w));
        }
    }

    private static int FramedLength(Window2D conv) => (conv.Height + (2 * conv.Padding)) * (conv.Width + (2 * conv.Padding));

    private static void Check(
        int n, int outChannels, Window2D conv, Window2D pool, int xLength, int yLength, string yName, int argmaxLength, string argmaxName, int scratchLength)
    {
        if (!Handles(outChannels, conv, pool))
        {
            throw new ArgumentException(
                $"the grey block takes 1 input channel, stride 1, a multiple of 16 output channels and 2 × 2 pooling of stride 2 on AVX-512, "
                + $"but got {outChannels} filters over {conv} pooled by {pool}",
                nameof(conv));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Guard.Holds(xLength, n, conv.InputSize, "x");
        Guard.Holds(yLength, n, outChannels * pool.OutPlane, yName);
        Guard.Holds(argmaxLength, n, outChannels * pool.OutPlane, argmaxName);
        Guard.Holds(scratchLength, 1, ScratchLength(outChannels, conv, pool), "scratch");
    }
}
