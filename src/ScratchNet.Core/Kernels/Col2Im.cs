using System.Runtime.CompilerServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// Folds the gradient of the unfolded matrix back onto the image: the adjoint (transpose) of <see cref="Im2Col"/>.
/// A pixel appears in every column whose window covers it, so its gradient is the sum over those entries; the
/// entries that stood for padding are dropped.
/// </summary>
public static class Col2Im
{
    // dCols: (C·kH·kW, OutH·OutW) · dX: (C, H, W), one image, overwritten
    /// <remarks>dX[c, h, w] = Σ over (r, s, i, j) with i·stride + r − pad = h and j·stride + s − pad = w of dCols[(c·kH + r)·kW + s, i·OutW + j]</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per image per step; see Gemm.Run
    public static void Backward(ReadOnlySpan<float> dCols, Span<float> dX, Window2D window)
    {
        Im2Col.Check(dX.Length, dCols.Length, window, nameof(dX), nameof(dCols));
        int h = window.Height, w = window.Width, outH = window.OutHeight, outW = window.OutWidth;
        int stride = window.Stride, pad = window.Padding;
        dX[..window.InputSize].Clear();
        int row = 0;
        for (int c = 0; c < window.Channels; c++)
        {
            Span<float> channel = dX.Slice(c * h * w, h * w);
            for (int r = 0; r < window.KernelHeight; r++)
            {
                for (int s = 0; s < window.KernelWidth; s++, row++)
                {
                    ReadOnlySpan<float> source = dCols.Slice(row * outH * outW, outH * outW);
                    (int jStart, int jEnd) = Im2Col.Inside(s - pad, stride, w, outW);
                    for (int i = 0; i < outH; i++)
                    {
                        int inputRow = (i * stride) + r - pad;
                        if ((uint)inputRow >= (uint)h || jStart >= jEnd)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> line = source.Slice(i * outW, outW);
                        Span<float> destination = channel.Slice(inputRow * w, w);
                        int first = (jStart * stride) + s - pad;
                        if (stride == 1)
                        {
                            Elementwise.AddInPlace(line[jStart..jEnd], destination.Slice(first, jEnd - jStart));
                        }
                        else
                        {
                            for (int j = jStart, col = first; j < jEnd; j++, col += stride)
                            {
                                destination[col] += line[j];
                            }
                        }
                    }
                }
            }
        }
    }
}
