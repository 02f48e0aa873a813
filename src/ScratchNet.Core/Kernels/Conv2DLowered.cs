using System.Runtime.CompilerServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// The convolution lowered to matrix products, one image at a time: <see cref="Im2Col"/> unfolds the image into
/// cols (C·kH·kW, OutH·OutW), and then
/// <code>
/// forward:  y_n  (K, OutH·OutW) = W (K, C·kH·kW) · cols_n            + b   (per row k)
/// backward: dW  (K, C·kH·kW)   = Σn dY_n (K, OutH·OutW) · cols_nᵀ
///           dCols_n            = Wᵀ · dY_n,  dX_n = Col2Im(dCols_n)
/// </code>
/// W is the (K, C, kH, kW) weight read as the matrix (K, C·kH·kW), so no reshuffling; y_n is image n of the NCHW
/// output as it stands, so no transpose either. One image's cols (a few hundred KB at most for MNIST-sized layers)
/// stays in the cache between the unfold and the product; backward unfolds again rather than keep every image's
/// cols from forward (n × that, tens of MB at evaluation batch sizes). <see cref="Conv2DNaive"/> is the oracle.
/// </summary>
public static class Conv2DLowered
{
    // x: (n, C, H, W) · w: (K, C, kH, kW) · b: (K) · y: (n, K, OutH, OutW), overwritten · cols: (C·kH·kW, OutH·OutW), scratch
    /// <remarks>y[n,k,i,j] = b[k] + Σc Σr Σs w[k,c,r,s]·x[n, c, i·stride + r − pad, j·stride + s − pad]</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, Span<float> cols, int n, int outChannels, Window2D window)
    {
        Check(n, outChannels, window, x.Length, nameof(x), w.Length, nameof(w), y.Length, nameof(y));
        CheckBias(b.Length, outChannels, nameof(b));
        Guard.Holds(cols.Length, window.PatchSize, window.OutPlane, nameof(cols));
        int patch = window.PatchSize, plane = window.OutPlane, image = window.InputSize, output = outChannels * plane;
        for (int i = 0; i < n; i++)
        {
            Im2Col.Forward(x.Slice(i * image, image), cols, window);
            Span<float> yi = y.Slice(i * output, output);
            MatMul.Multiply(w, cols, yi, outChannels, patch, plane);
            Bias.ForwardChannels(b, yi, 1, outChannels, plane);
        }
    }

    // x: (n, C, H, W) · w: (K, C, kH, kW) · dY: (n, K, OutH, OutW) → dW: (K, C, kH, kW), dB: (K), both overwritten;
    // dX: (n, C, H, W), overwritten, or empty to skip it · cols, dCols: (C·kH·kW, OutH·OutW) and dWImage: (K, C·kH·kW), scratch
    // (dCols may be empty with dX)
    /// <remarks>
    /// dW[k,c,r,s] = Σn Σi Σj dY[n,k,i,j]·x[n, c, i·stride + r − pad, j·stride + s − pad];  dB[k] = Σn Σi Σj dY[n,k,i,j];
    /// dX[n,c,h,w] = Σ over the (k, i, j, r, s) whose window puts tap (r, s) on pixel (h, w) of dY[n,k,i,j]·w[k,c,r,s]
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Backward(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> dY, Span<float> dW, Span<float> dB, Span<float> dX,
        Span<float> cols, Span<float> dCols, Span<float> dWImage, int n, int outChannels, Window2D window)
    {
        Check(n, outChannels, window, x.Length, nameof(x), w.Length, nameof(w), dY.Length, nameof(dY));
        Guard.Holds(dW.Length, outChannels, window.PatchSize, nameof(dW));
        CheckBias(dB.Length, outChannels, nameof(dB));
        Guard.Holds(cols.Length, window.PatchSize, window.OutPlane, nameof(cols));
        Guard.Holds(dWImage.Length, outChannels, window.PatchSize, nameof(dWImage));
        bool inputGradient = !dX.IsEmpty;
        if (inputGradient)
        {
            Guard.Holds(dX.Length, n, window.InputSize, nameof(dX));
            Guard.Holds(dCols.Length, window.PatchSize, window.OutPlane, nameof(dCols));
        }

        int plane = window.OutPlane, image = window.InputSize, output = outChannels * plane;
        for (int i = 0; i < n; i++)
        {
            BackwardImage(
                x.Slice(i * image, image), w, dY.Slice(i * output, output), dW, inputGradient ? dX.Slice(i * image, image) : default, cols, dCols, dWImage, i == 0, outChannels, window);
        }

        Bias.BackwardChannels(dY, dB, n, outChannels, plane);
    }

    /// <summary>
    /// Images whose weight gradients one chain sums (image by image, in order) before the groups' sums are added, also in
    /// order: the groups are fixed by the batch, not by the threads, so every thread count gives the same bits.
    /// </summary>
    public const int GradientGroup = 8;

    /// <summary>Scratch one image takes in the team overloads: cols and dCols (C·kH·kW, OutH·OutW) and dWImage (K, C·kH·kW).</summary>
    public static int ScratchPerThread(int outChannels, Window2D window) => (2 * window.PatchSize * window.OutPlane) + (outChannels * window.PatchSize);

    /// <summary>The weight and bias gradients of every group but the first, (groups − 1, K·C·kH·kW + K), for a batch of n.</summary>
    public static int PartialsLength(int n, int outChannels, Window2D window) => (Groups(n) - 1) * ((outChannels * window.PatchSize) + outChannels);

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, int, int, Window2D)"/>
    /// with the images shared out over <paramref name="team"/>, each thread unfolding into its own part of
    /// <paramref name="scratch"/> (<see cref="ScratchPerThread"/> per thread). Every image is computed as on one thread.
    /// </summary>
    public static void Forward(
        ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> b, Memory<float> y, Memory<float> scratch, int n, int outChannels, Window2D window, ComputeTeam? team)
    {
        Check(n, outChannels, window, x.Length, nameof(x), w.Length, nameof(w), y.Length, nameof(y));
        int parts = Math.Min(team?.Threads ?? 1, n);
        Guard.Holds(scratch.Length, Math.Max(parts, 1), ScratchPerThread(outChannels, window), nameof(scratch));
        if (parts <= 1)
        {
            Forward(x.Span, w.Span, b.Span, y.Span, scratch.Span[..(window.PatchSize * window.OutPlane)], n, outChannels, window);
            return;
        }

        ParallelConvolution.Current.Forward(team!, parts, x, w, b, y, scratch, n, outChannels, window);
    }

    /// <summary>
    /// <see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, int, int, Window2D)"/>
    /// over groups of <see cref="GradientGroup"/> images shared out over <paramref name="team"/>: each group's dW and dB are
    /// summed into dW, dB (the first group) or <paramref name="partials"/> (<see cref="PartialsLength"/>), which are then
    /// added to dW, dB group by group, in order. dX of each image is computed as on one thread.
    /// </summary>
    public static void Backward(
        ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> dY, Memory<float> dW, Memory<float> dB, Memory<float> dX,
        Memory<float> scratch, Memory<float> partials, int n, int outChannels, Window2D window, ComputeTeam? team)
    {
        Check(n, outChannels, window, x.Length, nameof(x), w.Length, nameof(w), dY.Length, nameof(dY));
        int groups = Groups(n);
        int parts = Math.Min(team?.Threads ?? 1, groups);
        Guard.Holds(scratch.Length, Math.Max(parts, 1), ScratchPerThread(outChannels, window), nameof(scratch));
        Guard.Holds(partials.Length, 1, PartialsLength(n, outChannels, window), nameof(partials));
        if (parts <= 1)
        {
            for (int g = 0; g < groups; g++)
            {
                BackwardGroup(x.Span, w.Span, dY.Span, dW.Span, dB.Span, dX.Span, scratch.Span, partials.Span, g, n, outChannels, window);
            }
        }
        else
        {
            ParallelConvolution.Current.Backward(team!, parts, x, w, dY, dW, dB, dX, scratch, partials, n, outChannels, window);
        }

        AddPartials(partials.Span, dW.Span, dB.Span, groups, outChannels, window);
    }

    // dW, dB += the partial sums of groups 1 … groups − 1, in order.
    internal static void AddPartials(ReadOnlySpan<float> partials, Span<float> dW, Span<float> dB, int groups, int outChannels, Window2D window)
    {
        int weights = outChannels * window.PatchSize, stride = weights + outChannels;
        for (int g = 1; g < groups; g++)
        {
            Elementwise.AddInPlace(partials.Slice((g - 1) * stride, weights), dW[..weights]);
            Elementwise.AddInPlace(partials.Slice(((g - 1) * stride) + weights, outChannels), dB[..outChannels]);
        }
    }

    // Group g's rows of a (n, perImage) tensor, and where its dW and dB go: dW, dB for the first group, its row of partials otherwise.
    internal static (int Start, int Count, int WeightsAt, int BiasAt) Group(int g, int n, int outChannels, Window2D window)
    {
        int start = g * GradientGroup, weights = outChannels * window.PatchSize, stride = weights + outChannels;
        return (start, Math.Min(GradientGroup, n - start), (g - 1) * stride, ((g - 1) * stride) + weights);
    }

    // One image of Backward: dW = dY_i · cols_iᵀ (first) or dW += it, and dX_i unless it is empty. Its fused twin
    // (ConvReluMaxPool) runs this same code, so the two give the same bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BackwardImage(
        ReadOnlySpan<float> xi, ReadOnlySpan<float> w, ReadOnlySpan<float> dYi, Span<float> dW, Span<float> dXi,
        Span<float> cols, Span<float> dCols, Span<float> dWImage, bool first, int outChannels, Window2D window)
    {
        int patch = window.PatchSize, plane = window.OutPlane;
        Im2Col.Forward(xi, cols, window);

        // dW (K, CRS) += dY_i (K, HW) · cols_iᵀ (HW, CRS), the first image overwriting. Each image's product goes to a
        // scratch and is then added: when this was written MatMul's accumulate ran a scalar loop. It runs the fast kernels
        // now, but accumulating in the product would round differently and move every unfused CNN's results (and the
        // recorded parity with PyTorch) in the last digits, for a gain of one pass over K·CRS floats per image.
        Span<float> product = first ? dW : dWImage;
        MatMul.Multiply(dYi, cols, product, outChannels, plane, patch, transposeB: true);
        if (!first)
        {
            Elementwise.AddInPlace(dWImage[..(outChannels * patch)], dW[..(outChannels * patch)]);
        }

        if (!dXi.IsEmpty)
        {
            // dCols (CRS, HW) = Wᵀ (CRS, K) · dY_i (K, HW), folded back onto the image.
            MatMul.Multiply(w, dYi, dCols, patch, outChannels, plane, transposeA: true);
            Col2Im.Backward(dCols, dXi, window);
        }
    }

    internal static int Groups(int n) => Math.Max(1, (n + GradientGroup - 1) / GradientGroup);

    // Group g of the images: its dW and dB into dW, dB (g = 0) or its row of partials, and its images' dX; scratch is one thread's.
    internal static void BackwardGroup(
        ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> dY, Span<float> dW, Span<float> dB, Span<float> dX,
        Span<float> scratch, Span<float> partials, int g, int n, int outChannels, Window2D window)
    {
        (int start, int count, int weightsAt, int biasAt) = Group(g, n, outChannels, window);
        int image = window.InputSize, output = outChannels * window.OutPlane, cols = window.PatchSize * window.OutPlane, weights = outChannels * window.PatchSize;
        Backward(
            x.Slice(start * image, count * image), w, dY.Slice(start * output, count * output),
            g == 0 ? dW[..weights] : partials.Slice(weightsAt, weights), g == 0 ? dB[..outChannels] : partials.Slice(biasAt, outChannels),
            dX.IsEmpty ? default : dX.Slice(start * image, count * image),
            scratch[..cols], scratch.Slice(cols, cols), scratch.Slice(2 * cols, weights), count, outChannels, window);
    }

    internal static void Check(int n, int outChannels, Window2D window, int xLength, string xName, int wLength, string wName, int yLength, string yName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        Guard.Holds(xLength, n, window.InputSize, xName);
        Guard.Holds(wLength, outChannels, window.PatchSize, wName);
        Guard.Holds(yLength, n, outChannels * window.OutPlane, yName);
    }

    internal static void CheckBias(int length, int outChannels, string name)
    {
        if (length != outChannels)
        {
            throw new ArgumentException($"{name} has {length} values, but the layer has {outChannels} output channels", name);
        }
    }
}
