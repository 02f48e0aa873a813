using System.Runtime.CompilerServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// Max and average pooling over kH × kW windows moved by a stride, channel by channel, without padding.
/// <see cref="PoolingNaive"/> is the oracle these are tested against.
/// </summary>
public static class Pooling
{
    // x: (n, C, H, W) · y: (n, C, OutH, OutW), overwritten · argmax: (n, C, OutH, OutW), overwritten
    /// <remarks>
    /// y[n,c,i,j] = max over r &lt; kH, s &lt; kW of x[n, c, i·stride + r, j·stride + s]; argmax holds where that max sits
    /// (its index within the image, c·H·W + h·W + w), the first one in row-major order on a tie, as PyTorch.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int n, Window2D window)
    {
        Check(x.Length, nameof(x), y.Length, nameof(y), n, window);
        Guard.Holds(argmax.Length, n, window.Channels * window.OutPlane, nameof(argmax));
        if (MaxPool2x2.Handles(window))
        {
            MaxPool2x2.Forward(x, y, argmax, n, window);
            return;
        }

        int h = window.Height, w = window.Width, stride = window.Stride;
        int outH = window.OutHeight, outW = window.OutWidth, kH = window.KernelHeight, kW = window.KernelWidth;
        int o = 0;
        for (int image = 0; image < n; image++)
        {
            ReadOnlySpan<float> xi = x.Slice(image * window.InputSize, window.InputSize);
            for (int c = 0; c < window.Channels; c++)
            {
                int channel = c * h * w;
                for (int i = 0; i < outH; i++)
                {
                    for (int j = 0; j < outW; j++, o++)
                    {
                        int top = channel + (i * stride * w) + (j * stride);
                        int best = top;
                        float max = xi[top];
                        for (int r = 0; r < kH; r++)
                        {
                            for (int s = 0; s < kW; s++)
                            {
                                int at = top + (r * w) + s;

                                // NaN wins, as in PyTorch, so a diverging run shows NaN rather than hiding it.
                                if (xi[at] > max || float.IsNaN(xi[at]))
                                {
                                    max = xi[at];
                                    best = at;
                                }
                            }
                        }

                        y[o] = max;
                        argmax[o] = best;
                    }
                }
            }
        }
    }

    // dY: (n, C, OutH, OutW) · argmax: from MaxForward · dX: (n, C, H, W), overwritten
    /// <remarks>dX[n,c,h,w] = Σ over the windows (i, j) whose max sat at (h, w) of dY[n,c,i,j]; 0 where no window's max sat</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void MaxBackward(ReadOnlySpan<float> dY, ReadOnlySpan<int> argmax, Span<float> dX, int n, Window2D window)
    {
        Check(dX.Length, nameof(dX), dY.Length, nameof(dY), n, window);
        Guard.Holds(argmax.Length, n, window.Channels * window.OutPlane, nameof(argmax));
        if (MaxPool2x2.Handles(window))
        {
            MaxPool2x2.Backward(dY, argmax, dX, n, window);
            return;
        }

        int perImage = window.Channels * window.OutPlane;
        dX[..(n * window.InputSize)].Clear();
        for (int image = 0; image < n; image++)
        {
            Span<float> dXi = dX.Slice(image * window.InputSize, window.InputSize);
            int start = image * perImage;
            for (int o = start; o < start + perImage; o++)
            {
                dXi[argmax[o]] += dY[o];
            }
        }
    }

    // x: (n, C, H, W) · y: (n, C, OutH, OutW), overwritten
    /// <remarks>y[n,c,i,j] = (1 / (kH·kW)) · Σr Σs x[n, c, i·stride + r, j·stride + s]</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void AvgForward(ReadOnlySpan<float> x, Span<float> y, int n, Window2D window)
    {
        Check(x.Length, nameof(x), y.Length, nameof(y), n, window);
        int h = window.Height, w = window.Width, stride = window.Stride;
        int outH = window.OutHeight, outW = window.OutWidth, kH = window.KernelHeight, kW = window.KernelWidth;
        float scale = 1f / (kH * kW);
        int o = 0;
        for (int plane = 0; plane < n * window.Channels; plane++)
        {
            ReadOnlySpan<float> xc = x.Slice(plane * h * w, h * w);
            for (int i = 0; i < outH; i++)
            {
                for (int j = 0; j < outW; j++, o++)
                {
                    int top = (i * stride * w) + (j * stride);
                    float sum = 0f;
                    for (int r = 0; r < kH; r++)
                    {
                        for (int s = 0; s < kW; s++)
                        {
                            sum += xc[top + (r * w) + s];
                        }
                    }

                    y[o] = sum * scale;
                }
            }
        }
    }

    // dY: (n, C, OutH, OutW) · dX: (n, C, H, W), overwritten
    /// <remarks>dX[n,c,h,w] = (1 / (kH·kW)) · Σ over the windows (i, j) that cover (h, w) of dY[n,c,i,j]</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void AvgBackward(ReadOnlySpan<float> dY, Span<float> dX, int n, Window2D window)
    {
        Check(dX.Length, nameof(dX), dY.Length, nameof(dY), n, window);
        int h = window.Height, w = window.Width, stride = window.Stride;
        int outH = window.OutHeight, outW = window.OutWidth, kH = window.KernelHeight, kW = window.KernelWidth;
        float scale = 1f / (kH * kW);
        dX[..(n * window.InputSize)].Clear();
        int o = 0;
        for (int plane = 0; plane < n * window.Channels; plane++)
        {
            Span<float> dXc = dX.Slice(plane * h * w, h * w);
            for (int i = 0; i < outH; i++)
            {
                for (int j = 0; j < outW; j++, o++)
                {
                    int top = (i * stride * w) + (j * stride);
                    float share = dY[o] * scale;
                    for (int r = 0; r < kH; r++)
                    {
                        for (int s = 0; s < kW; s++)
                        {
                            dXc[top + (r * w) + s] += share;
                        }
                    }
                }
            }
        }
    }

    internal static void Check(int inputLength, string inputName, int outputLength, string outputName, int n, Window2D window)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (window.Padding != 0)
        {
            throw new ArgumentException($"pooling takes no padding, but the window has {window.Padding}", nameof(window));
        }

        Guard.Holds(inputLength, n, window.InputSize, inputName);
        Guard.Holds(outputLength, n, window.Channels * window.OutPlane, outputName);
    }
}
