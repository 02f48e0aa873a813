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

        int patch = window.PatchSize, plane = window.OutPlane, image = window.InputSize, output = outChannels * plane;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> dYi = dY.Slice(i * output, output);
            Im2Col.Forward(x.Slice(i * image, image), cols, window);

            // dW (K, CRS) += dY_i (K, HW) · cols_iᵀ (HW, CRS), the first image overwriting. MatMul.Multiply's accumulate
            // layout runs a scalar loop for now (40× slower here), so each image's product goes to a scratch and is added.
            Span<float> product = i == 0 ? dW : dWImage;
            MatMul.Multiply(dYi, cols, product, outChannels, plane, patch, transposeB: true);
            if (i > 0)
            {
                Elementwise.AddInPlace(dWImage[..(outChannels * patch)], dW[..(outChannels * patch)]);
            }
            if (inputGradient)
            {
                // dCols (CRS, HW) = Wᵀ (CRS, K) · dY_i (K, HW), folded back onto the image.
                MatMul.Multiply(w, dYi, dCols, patch, outChannels, plane, transposeA: true);
                Col2Im.Backward(dCols, dX.Slice(i * image, image), window);
            }
        }

        Bias.BackwardChannels(dY, dB, n, outChannels, plane);
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
