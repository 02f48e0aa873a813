namespace ScratchNet.Core.Kernels;

/// <summary>
/// The 2-D convolution (cross-correlation, as in every deep-learning library) written straight from its equation:
/// seven nested loops, accumulated in double. It is the oracle <see cref="Conv2DLowered"/> is tested against;
/// never optimise it. Weights are (K, C, kH, kW) — PyTorch's nn.Conv2d layout.
/// </summary>
public static class Conv2DNaive
{
    // x: (n, C, H, W) · w: (K, C, kH, kW) · b: (K) · y: (n, K, OutH, OutW), overwritten
    /// <remarks>y[n,k,i,j] = b[k] + Σc Σr Σs w[k,c,r,s]·x[n, c, i·stride + r − pad, j·stride + s − pad]   (x = 0 outside the image)</remarks>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int outChannels, Window2D window)
    {
        Conv2DLowered.Check(n, outChannels, window, x.Length, nameof(x), w.Length, nameof(w), y.Length, nameof(y));
        Conv2DLowered.CheckBias(b.Length, outChannels, nameof(b));
        for (int image = 0; image < n; image++)
        {
            for (int k = 0; k < outChannels; k++)
            {
                for (int i = 0; i < window.OutHeight; i++)
                {
                    for (int j = 0; j < window.OutWidth; j++)
                    {
                        double sum = b[k];
                        for (int c = 0; c < window.Channels; c++)
                        {
                            for (int r = 0; r < window.KernelHeight; r++)
                            {
                                for (int s = 0; s < window.KernelWidth; s++)
                                {
                                    sum += (double)W(w, window, k, c, r, s) * X(x, window, image, c, (i * window.Stride) + r - window.Padding, (j * window.Stride) + s - window.Padding);
                                }
                            }
                        }

                        y[Y(window, outChannels, image, k, i, j)] = (float)sum;
                    }
                }
            }
        }
    }

    // x: (n, C, H, W) · dY: (n, K, OutH, OutW) · dW: (K, C, kH, kW), dB: (K), both overwritten
    /// <remarks>
    /// dW[k,c,r,s] = Σn Σi Σj dY[n,k,i,j]·x[n, c, i·stride + r − pad, j·stride + s − pad]
    /// dB[k] = Σn Σi Σj dY[n,k,i,j]
    /// </remarks>
    public static void BackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dY, Span<float> dW, Span<float> dB, int n, int outChannels, Window2D window)
    {
        Conv2DLowered.Check(n, outChannels, window, x.Length, nameof(x), dW.Length, nameof(dW), dY.Length, nameof(dY));
        Conv2DLowered.CheckBias(dB.Length, outChannels, nameof(dB));
        for (int k = 0; k < outChannels; k++)
        {
            double biasSum = 0.0;
            for (int image = 0; image < n; image++)
            {
                for (int i = 0; i < window.OutHeight; i++)
                {
                    for (int j = 0; j < window.OutWidth; j++)
                    {
                        biasSum += dY[Y(window, outChannels, image, k, i, j)];
                    }
                }
            }

            dB[k] = (float)biasSum;
            for (int c = 0; c < window.Channels; c++)
            {
                for (int r = 0; r < window.KernelHeight; r++)
                {
                    for (int s = 0; s < window.KernelWidth; s++)
                    {
                        double sum = 0.0;
                        for (int image = 0; image < n; image++)
                        {
                            for (int i = 0; i < window.OutHeight; i++)
                            {
                                for (int j = 0; j < window.OutWidth; j++)
                                {
                                    sum += (double)dY[Y(window, outChannels, image, k, i, j)] * X(x, window, image, c, (i * window.Stride) + r - window.Padding, (j * window.Stride) + s - window.Padding);
                                }
                            }
                        }

                        dW[(((((k * window.Channels) + c) * window.KernelHeight) + r) * window.KernelWidth) + s] = (float)sum;
                    }
                }
            }
        }
    }

    // dY: (n, K, OutH, OutW) · w: (K, C, kH, kW) · dX: (n, C, H, W), overwritten
    /// <remarks>dX[n,c,h,w] = Σk Σ over (i, r) with i·stride + r − pad = h, (j, s) with j·stride + s − pad = w of dY[n,k,i,j]·w[k,c,r,s]</remarks>
    public static void BackwardInput(ReadOnlySpan<float> dY, ReadOnlySpan<float> w, Span<float> dX, int n, int outChannels, Window2D window)
    {
        Conv2DLowered.Check(n, outChannels, window, dX.Length, nameof(dX), w.Length, nameof(w), dY.Length, nameof(dY));
        var sums = new double[n * window.InputSize];
        for (int image = 0; image < n; image++)
        {
            for (int k = 0; k < outChannels; k++)
            {
                for (int i = 0; i < window.OutHeight; i++)
                {
                    for (int j = 0; j < window.OutWidth; j++)
                    {
                        for (int c = 0; c < window.Channels; c++)
                        {
                            for (int r = 0; r < window.KernelHeight; r++)
                            {
                                for (int s = 0; s < window.KernelWidth; s++)
                                {
                                    int h = (i * window.Stride) + r - window.Padding;
                                    int col = (j * window.Stride) + s - window.Padding;
                                    if (h >= 0 && h < window.Height && col >= 0 && col < window.Width)
                                    {
                                        sums[(((((image * window.Channels) + c) * window.Height) + h) * window.Width) + col] +=
                                            (double)dY[Y(window, outChannels, image, k, i, j)] * W(w, window, k, c, r, s);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        for (int e = 0; e < sums.Length; e++)
        {
            dX[e] = (float)sums[e];
        }
    }

    private static float W(ReadOnlySpan<float> w, Window2D window, int k, int c, int r, int s) =>
        w[(((((k * window.Channels) + c) * window.KernelHeight) + r) * window.KernelWidth) + s];

    private static float X(ReadOnlySpan<float> x, Window2D window, int image, int c, int h, int col) =>
        h < 0 || h >= window.Height || col < 0 || col >= window.Width ? 0f : x[(((((image * window.Channels) + c) * window.Height) + h) * window.Width) + col];

    private static int Y(Window2D window, int outChannels, int image, int k, int i, int j) =>
        (((((image * outChannels) + k) * window.OutHeight) + i) * window.OutWidth) + j;
}
