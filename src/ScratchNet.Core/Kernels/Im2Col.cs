using System.Runtime.CompilerServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// Unfolds one image into the matrix whose product with the filters is the convolution (Chellapilla et al., 2006;
/// Caffe's im2col): row (c, r, s) holds, for every output position (i, j), the input pixel that filter tap (r, s) of
/// channel c sees there, or 0 where that pixel lies in the padding. Then
/// <code>y (K, OutH·OutW) = W (K, C·kH·kW) · cols (C·kH·kW, OutH·OutW)</code>
/// is the whole convolution of the image as one matrix product. <see cref="Col2Im"/> is its adjoint.
/// </summary>
public static class Im2Col
{
    // x: (C, H, W), one image · cols: (C·kH·kW, OutH·OutW), overwritten
    /// <remarks>cols[(c·kH + r)·kW + s, i·OutW + j] = x[c, i·stride + r − pad, j·stride + s − pad], 0 outside the image</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per image per step; see Gemm.Run
    public static void Forward(ReadOnlySpan<float> x, Span<float> cols, Window2D window)
    {
        Check(x.Length, cols.Length, window, nameof(x), nameof(cols));
        int h = window.Height, w = window.Width, outH = window.OutHeight, outW = window.OutWidth;
        int stride = window.Stride, pad = window.Padding;
        int row = 0;
        for (int c = 0; c < window.Channels; c++)
        {
            ReadOnlySpan<float> channel = x.Slice(c * h * w, h * w);
            for (int r = 0; r < window.KernelHeight; r++)
            {
                for (int s = 0; s < window.KernelWidth; s++, row++)
                {
                    Span<float> destination = cols.Slice(row * outH * outW, outH * outW);

                    // Output columns j whose input column j·stride + s − pad lies inside [0, w): one contiguous run.
                    (int jStart, int jEnd) = Inside(s - pad, stride, w, outW);
                    for (int i = 0; i < outH; i++)
                    {
                        Span<float> line = destination.Slice(i * outW, outW);
                        int inputRow = (i * stride) + r - pad;
                        if ((uint)inputRow >= (uint)h || jStart >= jEnd)
                        {
                            line.Clear();
                            continue;
                        }

                        line[..jStart].Clear();
                        line[jEnd..].Clear();
                        ReadOnlySpan<float> source = channel.Slice(inputRow * w, w);
                        int first = (jStart * stride) + s - pad;
                        if (stride == 1)
                        {
                            source.Slice(first, jEnd - jStart).CopyTo(line[jStart..jEnd]);
                        }
                        else
                        {
                            for (int j = jStart, col = first; j < jEnd; j++, col += stride)
                            {
                                line[j] = source[col];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The output indices j ∈ [start, end) for which j·stride + offset lies in [0, size).</summary>
    internal static (int Start, int End) Inside(int offset, int stride, int size, int outputs)
    {
        int start = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int end = size - 1 - offset < 0 ? 0 : Math.Min(outputs, ((size - 1 - offset) / stride) + 1);
        return (Math.Min(start, end), end);
    }

    internal static void Check(int imageLength, int colsLength, Window2D window, string imageName, string colsName)
    {
        Guard.Holds(imageLength, window.Channels, window.Height * window.Width, imageName);
        Guard.Holds(colsLength, window.PatchSize, window.OutPlane, colsName);
    }
}
