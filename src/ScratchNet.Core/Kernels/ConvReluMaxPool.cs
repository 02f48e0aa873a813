using System.Runtime.CompilerServices;
using ScratchNet.Core.Activations;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// A convolution, ReLU and max pooling run image by image in one pass: y = maxpool(relu(conv(x))), the block every layer of a
/// LeNet-style network repeats. Run as three layers, each pass goes over the whole batch: for the cnn recipe's first block
/// the convolution writes 3.2 MB, ReLU reads and writes it again, pooling reads it, and backward goes over it three more
/// times, far more than the cache holds. Here one image's convolution output (50 KB) is made, rectified and pooled while it
/// sits in the cache, and only the pooled image and where each maximum sat leave it.
/// <code>
/// forward:  z_n = conv(x_n) (<see cref="Conv2DLowered"/>), r_n = relu(z_n) in place, y_n, argmax_n = maxpool(r_n) (<see cref="Pooling"/>)
/// backward: dP_n = y_n &gt; 0 ? dY_n : 0, then the convolution's backward on dR_n = maxpool backward of dP_n
/// </code>
/// The mask is ReLU's backward: relu'(r) = r &gt; 0 is needed only where a window's maximum sat (elsewhere the pooling
/// gradient is 0), and there r is the window's maximum, which is y. The forward pass runs the layers' kernels in their
/// order, so it gives their results bit for bit. Backward does too where it runs the dense products on dR; where
/// <see cref="SparseConvolutionBackward.Handles"/> (whole vectors of channels) it visits only the places dR is not zero, a
/// tenth of the products for the cnn recipe's second block, and agrees with the layers to float rounding (tested).
/// Blocks on grey images that <see cref="GreyConvReluMaxPool.Handles"/> (the cnn recipe's first) run that kernel instead:
/// forward bit for bit, backward without dX to float rounding; one that must pass dX back takes the dense backward.
/// </summary>
public static class ConvReluMaxPool
{
    private static readonly Relu Rectifier = new();

    /// <summary>
    /// Scratch per thread: forward and the dense backward take <see cref="Conv2DLowered.ScratchPerThread"/>, one convolution
    /// output (K, OutH·OutW) and one pooled (K, PH·PW); the sparse backward one pooled, <see cref="SparseConvolutionBackward.ScratchLength"/>
    /// and a gradient channels-last (K, kH, kW, C); the grey block <see cref="GreyConvReluMaxPool.ScratchLength"/>. The largest of them.
    /// </summary>
    public static int ScratchPerThread(int outChannels, Window2D conv, Window2D pool) => Math.Max(
        Conv2DLowered.ScratchPerThread(outChannels, conv) + (outChannels * conv.OutPlane) + (outChannels * pool.OutPlane),
        Math.Max(
            Sparse(conv) ? (outChannels * pool.OutPlane) + SparseConvolutionBackward.ScratchLength(outChannels, conv, pool) + SparseConvolutionBackward.PackedLength(outChannels, conv) : 0,
            GreyConvReluMaxPool.Handles(outChannels, conv, pool) ? GreyConvReluMaxPool.ScratchLength(outChannels, conv, pool) : 0));

    /// <summary>The weights channels-last that the sparse backward reads (<see cref="SparseConvolutionBackward.PackWeights"/>), or 0 when it does not run.</summary>
    public static int PackedWeightsLength(int outChannels, Window2D conv) =>
        Sparse(conv) ? CacheLine.AlignedLength(SparseConvolutionBackward.PackedLength(outChannels, conv)) : 0;

    // x: (n, C, H, W) · w: (K, C, kH, kW) · b: (K) · y: (n, K, PH, PW), overwritten · argmax: (n, K, PH, PW), overwritten (index within
    // the image of the convolution's output) · scratch: ScratchPerThread
    /// <remarks>y[n,k,i,j] = max over the pooling window (i, j) of max(0, b[k] + Σc Σr Σs w[k,c,r,s]·x[n, c, …])</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Forward(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, Span<int> argmax, Span<float> scratch,
        int n, int outChannels, Window2D conv, Window2D pool)
    {
        Check(n, outChannels, conv, pool, x.Length, w.Length, y.Length, nameof(y), argmax.Length, scratch.Length);
        Conv2DLowered.CheckBias(b.Length, outChannels, nameof(b));
        if (GreyConvReluMaxPool.Handles(outChannels, conv, pool))
        {
            GreyConvReluMaxPool.Forward(x, w, b, y, argmax, scratch, n, outChannels, conv, pool);
            return;
        }

        int image = conv.InputSize, convOutput = outChannels * conv.OutPlane, output = outChannels * pool.OutPlane;
        Span<float> cols = scratch[..(conv.PatchSize * conv.OutPlane)];
        Span<float> z = scratch.Slice(Conv2DLowered.ScratchPerThread(outChannels, conv), convOutput);
        bool shifted = ShiftedConvolution.Handles(outChannels, conv);

        // Where backward's dCols would go: the window halves of the image's pooling in one flat pass, and w transposed for
        // the shifted convolution's last columns, made once for the batch.
        int room = conv.PatchSize * conv.OutPlane, halvesLength = MaxPool2x2.ImageScratchLength(pool);
        bool flat = shifted && MaxPool2x2.HandlesImage(pool) && halvesLength <= room;
        Span<float> halves = flat ? scratch.Slice(room, halvesLength) : default;
        int transposedAt = flat ? halvesLength : 0, transposedLength = shifted ? ShiftedConvolution.TransposedLength(outChannels, conv) : 0;
        Span<float> wT = transposedLength > 0 && transposedAt + transposedLength <= room ? scratch.Slice(room + transposedAt, transposedLength) : default;
        if (!wT.IsEmpty)
        {
            MatMul.Transpose(w[..(outChannels * conv.PatchSize)], wT, outChannels, conv.PatchSize);
        }

        for (int i = 0; i < n; i++)
        {
            if (shifted)
            {
                // The lowered convolution's bits, rectified as ReLU's vector path, without the unfolded matrix.
                ShiftedConvolution.Forward(x.Slice(i * image, image), w, wT, b, z, cols, outChannels, conv, rectify: true);
            }
            else
            {
                Conv2DLowered.Forward(x.Slice(i * image, image), w, b, z, cols, 1, outChannels, conv);
                Rectifier.Forward(z, z);
            }

            if (flat)
            {
                MaxPool2x2.ForwardImage(z, y.Slice(i * output, output), argmax.Slice(i * output, output), halves, pool);
                continue;
            }

            Pooling.MaxForward(z, y.Slice(i * output, output), argmax.Slice(i * output, output), 1, pool);
        }
    }

    // x, w as Forward · y, argmax: what Forward gave · dY: (n, K, PH, PW) · dW: (K, C, kH, kW), dB: (K), both overwritten;
    // dX: (n, C, H, W), overwritten, or empty to skip it · packedWeights: w channels-last for the sparse backward, or empty
    // for the dense one · scratch: ScratchPerThread
    /// <remarks>The convolution's backward on dR = maxpool backward of (y &gt; 0 ? dY : 0)</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Backward(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> y, ReadOnlySpan<int> argmax, ReadOnlySpan<float> dY,
        Span<float> dW, Span<float> dB, Span<float> dX, Span<float> scratch, int n, int outChannels, Window2D conv, Window2D pool)
    {
        Check(n, outChannels, conv, pool, x.Length, w.Length, y.Length, nameof(y), argmax.Length, scratch.Length);
        Guard.Holds(dY.Length, n, outChannels * pool.OutPlane, nameof(dY));
        Guard.Holds(dW.Length, outChannels, conv.PatchSize, nameof(dW));
        Conv2DLowered.CheckBias(dB.Length, outChannels, nameof(dB));
        if (!dX.IsEmpty)
        {
            Guard.Holds(dX.Length, n, conv.InputSize, nameof(dX));
        }
        else if (GreyConvReluMaxPool.Handles(outChannels, conv, pool))
        {
            GreyConvReluMaxPool.Backward(x, y, argmax, dY, dW, dB, scratch, n, outChannels, conv, pool);
            return;
        }

        bool sparse = !packedWeights.IsEmpty;
        if (sparse && !Sparse(conv))
        {
            throw new ArgumentException(
                $"packed weights are for the sparse backward, which takes whole vectors of 16 channels, but the convolution has {conv.Channels}; pass none",
                nameof(packedWeights));
        }

        int image = conv.InputSize, convOutput = outChannels * conv.OutPlane, output = outChannels * pool.OutPlane;
        int cols = conv.PatchSize * conv.OutPlane, convScratch = Conv2DLowered.ScratchPerThread(outChannels, conv);
        Span<float> dPooled = sparse ? scratch[..output] : scratch.Slice(convScratch + convOutput, output);
        Span<float> dR = sparse ? default : scratch.Slice(convScratch, convOutput);
        Span<float> sparseScratch = sparse ? scratch.Slice(output, SparseConvolutionBackward.ScratchLength(outChannels, conv, pool)) : default;
        Span<float> dWT = sparse ? scratch.Slice(output + sparseScratch.Length, SparseConvolutionBackward.PackedLength(outChannels, conv)) : default;
        dB[..outChannels].Clear();
        dWT.Clear();
        for (int i = 0; i < n; i++)
        {
            // ReLU's backward where each maximum sat: y > 0 ? dY : 0.
            Rectifier.Backward(default, y.Slice(i * output, output), dY.Slice(i * output, output), dPooled);
            Span<float> dXi = dX.IsEmpty ? default : dX.Slice(i * image, image);
            if (sparse)
            {
                SparseConvolutionBackward.Image(
                    x.Slice(i * image, image), packedWeights, dPooled, argmax.Slice(i * output, output), dWT, dB, dXi, sparseScratch, outChannels, conv, pool);
                continue;
            }

            Pooling.MaxBackward(dPooled, argmax.Slice(i * output, output), dR, 1, pool);
            Bias.AddChannelSums(dR, dB, outChannels, conv.OutPlane);
            Conv2DLowered.BackwardImage(
                x.Slice(i * image, image), w, dR, dW, dXi, scratch[..cols], scratch.Slice(cols, cols), scratch.Slice(2 * cols, outChannels * conv.PatchSize), i == 0, outChannels, conv);
        }

        if (sparse)
        {
            SparseConvolutionBackward.UnpackGradient(dWT, dW, outChannels, conv);
        }
    }

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{int}, Span{float}, int, int, Window2D, Window2D)"/>
    /// with the images shared out over <paramref name="team"/>, each thread in its own part of <paramref name="scratch"/>
    /// (<see cref="ScratchPerThread"/> per thread).
    /// </summary>
    public static void Forward(
        ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> b, Memory<float> y, Memory<int> argmax, Memory<float> scratch,
        int n, int outChannels, Window2D conv, Window2D pool, ComputeTeam? team)
    {
        int parts = Math.Min(team?.Threads ?? 1, n);
        Guard.Holds(scratch.Length, Math.Max(parts, 1), ScratchPerThread(outChannels, conv, pool), nameof(scratch));
        if (parts <= 1)
        {
            Forward(x.Span, w.Span, b.Span, y.Span, argmax.Span, scratch.Span[..ScratchPerThread(outChannels, conv, pool)], n, outChannels, conv, pool);
            return;
        }

        ParallelConvolution.Current.Forward(team!, parts, x, w, b, y, argmax, scratch, n, outChannels, conv, pool);
    }

    /// <summary>
    /// Backward over groups of <see cref="Conv2DLowered.GradientGroup"/> images shared out over <paramref name="team"/>, their
    /// dW and dB added in order as <see cref="Conv2DLowered"/>'s team overload does (<paramref name="partials"/>:
    /// <see cref="Conv2DLowered.PartialsLength"/>), so every thread count gives the bits of one thread.
    /// <paramref name="packedWeights"/> (<see cref="PackedWeightsLength"/>) takes w channels-last for the sparse backward.
    /// </summary>
    public static void Backward(
        ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> y, ReadOnlyMemory<int> argmax, ReadOnlyMemory<float> dY,
        Memory<float> dW, Memory<float> dB, Memory<float> dX, Memory<float> scratch, Memory<float> partials, Memory<float> packedWeights,
        int n, int outChannels, Window2D conv, Window2D pool, ComputeTeam? team)
    {
        int groups = Conv2DLowered.Groups(n);
        int parts = Math.Min(team?.Threads ?? 1, groups);
        Guard.Holds(scratch.Length, Math.Max(parts, 1), ScratchPerThread(outChannels, conv, pool), nameof(scratch));
        Guard.Holds(partials.Length, 1, Conv2DLowered.PartialsLength(n, outChannels, conv), nameof(partials));
        Guard.Holds(packedWeights.Length, 1, PackedWeightsLength(outChannels, conv), nameof(packedWeights));
        Memory<float> packed = Sparse(conv) ? CacheLine.Aligned(packedWeights, SparseConvolutionBackward.PackedLength(outChannels, conv)) : default;
        if (!packed.IsEmpty)
        {
            SparseConvolutionBackward.PackWeights(w.Span, packed.Span, outChannels, conv);
        }

        if (parts <= 1)
        {
            for (int g = 0; g < groups; g++)
            {
                BackwardGroup(x.Span, w.Span, packed.Span, y.Span, argmax.Span, dY.Span, dW.Span, dB.Span, dX.Span, scratch.Span, partials.Span, g, n, outChannels, conv, pool);
            }
        }
        else
        {
            ParallelConvolution.Current.Backward(team!, parts, x, w, packed, y, argmax, dY, dW, dB, dX, scratch, partials, n, outChannels, conv, pool);
        }

        Conv2DLowered.AddPartials(partials.Span, dW.Span, dB.Span, groups, outChannels, conv);
    }

    // Group g of the images (see Conv2DLowered.BackwardGroup); scratch is one thread's.
    internal static void BackwardGroup(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> y, ReadOnlySpan<int> argmax, ReadOnlySpan<float> dY,
        Span<float> dW, Span<float> dB, Span<float> dX, Span<float> scratch, Span<float> partials, int g, int n, int outChannels, Window2D conv, Window2D pool)
    {
        (int start, int count, int weightsAt, int biasAt) = Conv2DLowered.Group(g, n, outChannels, conv);
        int image = conv.InputSize, output = outChannels * pool.OutPlane, weights = outChannels * conv.PatchSize;
        Backward(
            x.Slice(start * image, count * image), w, packedWeights, y.Slice(start * output, count * output), argmax.Slice(start * output, count * output),
            dY.Slice(start * output, count * output),
            g == 0 ? dW[..weights] : partials.Slice(weightsAt, weights), g == 0 ? dB[..outChannels] : partials.Slice(biasAt, outChannels),
            dX.IsEmpty ? default : dX.Slice(start * image, count * image), scratch[..ScratchPerThread(outChannels, conv, pool)], count, outChannels, conv, pool);
    }

    /// <summary>True when a convolution with <paramref name="outChannels"/> filters over <paramref name="conv"/> can feed a max pooling over <paramref name="pool"/>.</summary>
    public static bool Fits(int outChannels, Window2D conv, Window2D pool) =>
        pool.Channels == outChannels && pool.Height == conv.OutHeight && pool.Width == conv.OutWidth && pool.Padding == 0;

    private static bool Sparse(Window2D conv) => SparseConvolutionBackward.Handles(conv);

    private static void Check(int n, int outChannels, Window2D conv, Window2D pool, int xLength, int wLength, int yLength, string yName, int argmaxLength, int scratchLength)
    {
        if (!Fits(outChannels, conv, pool))
        {
            throw new ArgumentException($"the pooling window ({pool}) does not take the convolution's {outChannels} × {conv.OutHeight} × {conv.OutWidth} outputs", nameof(pool));
        }

        Conv2DLowered.Check(n, outChannels, conv, xLength, "x", wLength, "w", n * outChannels * conv.OutPlane, "y");
        Guard.Holds(yLength, n, outChannels * pool.OutPlane, yName);
        Guard.Holds(argmaxLength, n, outChannels * pool.OutPlane, "argmax");
        Guard.Holds(scratchLength, 1, ScratchPerThread(outChannels, conv, pool), "scratch");
    }
}
