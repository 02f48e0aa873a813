namespace ScratchNet.Core.Kernels;

/// <summary>
/// Pooling written from its equations, the oracle for <see cref="Pooling"/>. The backward passes are the other way
/// round from the fast ones: each input pixel gathers from the windows that cover it (the fast kernels scatter each
/// window onto its pixels), and max pooling finds each window's max again instead of reading a stored argmax.
/// Never optimise these.
/// </summary>
public static class PoolingNaive
{
    // x: (n, C, H, W) · y: (n, C, OutH, OutW), overwritten
    /// <remarks>y[n,c,i,j] = max over r, s of x[n, c, i·stride + r, j·stride + s]</remarks>
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, int n, Window2D window)
    {
        Pooling.Check(x.Length, nameof(x), y.Length, nameof(y), n, window);
        float[] xs = x.ToArray();
        ForEachWindow(n, window, (image, c, i, j) =>
        {
            (int h, int w) = FirstMax(xs, window, image, c, i, j);
            return X(xs, window, image, c, h, w);
        }, y);
    }

    // x: (n, C, H, W) · dY: (n, C, OutH, OutW) · dX: (n, C, H, W), overwritten
    /// <remarks>dX[n,c,h,w] = Σ over windows (i, j) whose first max is (h, w) of dY[n,c,i,j]</remarks>
    public static void MaxBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dY, Span<float> dX, int n, Window2D window)
    {
        Pooling.Check(x.Length, nameof(x), dY.Length, nameof(dY), n, window);
        Guard.Holds(dX.Length, n, window.InputSize, nameof(dX));
        float[] xs = x.ToArray(), dYs = dY.ToArray();
        Gather(dX, n, window, (image, c, h, w, i, j) => FirstMax(xs, window, image, c, i, j) == (h, w) ? dYs[Index(window, image, c, i, j)] : 0.0);
    }

    // x: (n, C, H, W) · y: (n, C, OutH, OutW), overwritten
    /// <remarks>y[n,c,i,j] = mean over r, s of x[n, c, i·stride + r, j·stride + s]</remarks>
    public static void AvgForward(ReadOnlySpan<float> x, Span<float> y, int n, Window2D window)
    {
        Pooling.Check(x.Length, nameof(x), y.Length, nameof(y), n, window);
        float[] xs = x.ToArray();
        ForEachWindow(n, window, (image, c, i, j) =>
        {
            double sum = 0.0;
            for (int r = 0; r < window.KernelHeight; r++)
            {
                for (int s = 0; s < window.KernelWidth; s++)
                {
                    sum += X(xs, window, image, c, (i * window.Stride) + r, (j * window.Stride) + s);
                }
            }

            return (float)(sum / (window.KernelHeight * window.KernelWidth));
        }, y);
    }

    // dY: (n, C, OutH, OutW) · dX: (n, C, H, W), overwritten
    /// <remarks>dX[n,c,h,w] = Σ over windows (i, j) covering (h, w) of dY[n,c,i,j] / (kH·kW)</remarks>
    public static void AvgBackward(ReadOnlySpan<float> dY, Span<float> dX, int n, Window2D window)
    {
        Pooling.Check(dX.Length, nameof(dX), dY.Length, nameof(dY), n, window);
        float[] dYs = dY.ToArray();
        Gather(dX, n, window, (image, c, h, w, i, j) => (double)dYs[Index(window, image, c, i, j)] / (window.KernelHeight * window.KernelWidth));
    }

    private static void ForEachWindow(int n, Window2D window, Func<int, int, int, int, float> value, Span<float> y)
    {
        for (int image = 0; image < n; image++)
        {
            for (int c = 0; c < window.Channels; c++)
            {
                for (int i = 0; i < window.OutHeight; i++)
                {
                    for (int j = 0; j < window.OutWidth; j++)
                    {
                        y[Index(window, image, c, i, j)] = value(image, c, i, j);
                    }
                }
            }
        }
    }

    // For each input pixel (h, w): the sum over every window (i, j) that covers it of contribution(image, c, h, w, i, j).
    private static void Gather(Span<float> dX, int n, Window2D window, Func<int, int, int, int, int, int, double> contribution)
    {
        for (int image = 0; image < n; image++)
        {
            for (int c = 0; c < window.Channels; c++)
            {
                for (int h = 0; h < window.Height; h++)
                {
                    for (int w = 0; w < window.Width; w++)
                    {
                        double sum = 0.0;
                        for (int i = 0; i < window.OutHeight; i++)
                        {
                            for (int j = 0; j < window.OutWidth; j++)
                            {
                                bool covers = h >= i * window.Stride && h < (i * window.Stride) + window.KernelHeight
                                    && w >= j * window.Stride && w < (j * window.Stride) + window.KernelWidth;
                                if (covers)
                                {
                                    sum += contribution(image, c, h, w, i, j);
                                }
                            }
                        }

                        dX[(((((image * window.Channels) + c) * window.Height) + h) * window.Width) + w] = (float)sum;
                    }
                }
            }
        }
    }

    private static (int H, int W) FirstMax(ReadOnlySpan<float> x, Window2D window, int image, int c, int i, int j)
    {
        (int h, int w) best = (i * window.Stride, j * window.Stride);
        for (int r = 0; r < window.KernelHeight; r++)
        {
            for (int s = 0; s < window.KernelWidth; s++)
            {
                (int h, int w) at = ((i * window.Stride) + r, (j * window.Stride) + s);
                float value = X(x, window, image, c, at.h, at.w);
                if (value > X(x, window, image, c, best.h, best.w) || float.IsNaN(value))
                {
                    best = at;
                }
            }
        }

        return best;
    }

    private static float X(ReadOnlySpan<float> x, Window2D window, int image, int c, int h, int w) =>
        x[(((((image * window.Channels) + c) * window.Height) + h) * window.Width) + w];

    private static int Index(Window2D window, int image, int c, int i, int j) =>
        (((((image * window.Channels) + c) * window.OutHeight) + i) * window.OutWidth) + j;
}
