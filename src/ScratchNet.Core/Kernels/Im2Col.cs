using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        if (IsFlat(window))
        {
            ForwardFlat(x, cols, window);
            return;
        }

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

    /// <summary>
    /// True when stride is 1 and the output is as wide as the input (2·pad = kW − 1, "same" padding; or 1 × 1 kernels): then row
    /// (c, r, s) of cols is channel c of the image shifted by (r − pad)·W + (s − pad) as one flat run, except for the |s − pad|
    /// columns per output row that fall into the left or right padding (there the flat shift wraps into the row above or below).
    /// </summary>
    internal static bool IsFlat(Window2D window) => window.Stride == 1 && window.OutWidth == window.Width;

    /// <summary>For a flat window (<see cref="IsFlat"/>) and filter tap (r, s): the run of cols' row that sees the image.</summary>
    /// <returns>
    /// Shift: cols[q] sees x[q + Shift] of the channel. First, End: the run [First, End) of q from the first to the last output
    /// position whose tap lies in the image. ColumnStart, ColumnEnd: the output columns j ∈ [ColumnStart, ColumnEnd) whose tap
    /// lies in the image; inside the run the others are wrapped places that see padding.
    /// </returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int Shift, int First, int End, int ColumnStart, int ColumnEnd) FlatRun(Window2D window, int r, int s)
    {
        int w = window.Width, dr = r - window.Padding, ds = s - window.Padding;
        int rowStart = Math.Max(0, -dr), rowEnd = Math.Min(window.OutHeight, window.Height - dr);
        int columnStart = Math.Max(0, -ds), columnEnd = Math.Min(w, w - ds);
        if (rowStart >= rowEnd || columnStart >= columnEnd)
        {
            return ((dr * w) + ds, 0, 0, columnStart, columnEnd);
        }

        return ((dr * w) + ds, (rowStart * w) + columnStart, ((rowEnd - 1) * w) + columnEnd, columnStart, columnEnd);
    }

    // A flat window: each row of cols is one copy of the shifted channel (a memmove, aligned by the runtime, measured 2–3× faster
    // than a masked vector loop), zeros before and after it, and zeros written over the wrapped places: |s − pad| per output row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    private static void ForwardFlat(ReadOnlySpan<float> x, Span<float> cols, Window2D window)
    {
        int plane = window.Height * window.Width, outPlane = window.OutPlane, w = window.Width;
        int row = 0;
        for (int c = 0; c < window.Channels; c++)
        {
            ReadOnlySpan<float> channel = x.Slice(c * plane, plane);
            for (int r = 0; r < window.KernelHeight; r++)
            {
                for (int s = 0; s < window.KernelWidth; s++, row++)
                {
                    Span<float> destination = cols.Slice(row * outPlane, outPlane);
                    (int shift, int first, int end, int columnStart, int columnEnd) = FlatRun(window, r, s);
                    destination[..first].Clear();
                    destination[end..].Clear();
                    if (first >= end)
                    {
                        continue;
                    }

                    channel.Slice(first + shift, end - first).CopyTo(destination[first..end]);

                    // The wrapped places inside the run: columns [columnEnd, w) of one row and [0, columnStart) of the next.
                    int gap = w - columnEnd + columnStart;
                    ref float d = ref MemoryMarshal.GetReference(destination);
                    if (gap == 1)
                    {
                        for (int q = first - columnStart + columnEnd; q < end; q += w)
                        {
                            Unsafe.Add(ref d, q) = 0f;
                        }
                    }
                    else if (gap > 1)
                    {
                        for (int q = first - columnStart + columnEnd; q < end; q += w)
                        {
                            destination.Slice(q, gap).Clear();
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
