using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        if (Im2Col.IsFlat(window) && window.Width >= FlatColumns.MinimumWidth && Vector512.IsHardwareAccelerated)
        {
            BackwardFlat(dCols, dX, window);
            return;
        }

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

    // A flat window (Im2Col.IsFlat): each row of dCols is added onto its channel at the shift, 16 places at a time, the
    // wrapped places (those that stand for padding) masked out.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    private static void BackwardFlat(ReadOnlySpan<float> dCols, Span<float> dX, Window2D window)
    {
        int plane = window.Height * window.Width, outPlane = window.OutPlane, w = window.Width;
        var width = Vector512.Create(w);
        var step = Vector512.Create(Vector512<float>.Count % w);
        int row = 0;
        for (int c = 0; c < window.Channels; c++)
        {
            ref float channel = ref MemoryMarshal.GetReference(dX.Slice(c * plane, plane));
            for (int r = 0; r < window.KernelHeight; r++)
            {
                for (int s = 0; s < window.KernelWidth; s++, row++)
                {
                    ReadOnlySpan<float> source = dCols.Slice(row * outPlane, outPlane);
                    ref float sourceRef = ref MemoryMarshal.GetReference(source);
                    (int shift, int first, int end, int columnStart, int columnEnd) = Im2Col.FlatRun(window, r, s);
                    var low = Vector512.Create(columnStart);
                    var high = Vector512.Create(columnEnd);
                    Vector512<int> column = FlatColumns.Start(first, width);
                    int q = first;
                    for (; q + Vector512<float>.Count <= end; q += Vector512<float>.Count)
                    {
                        ref float target = ref Unsafe.Add(ref channel, q + shift);
                        (Vector512.LoadUnsafe(ref target) + (Vector512.LoadUnsafe(ref sourceRef, (nuint)q) & FlatColumns.Inside(column, low, high))).StoreUnsafe(ref target);
                        column = FlatColumns.Advance(column, step, width);
                    }

                    if (q < end && end - first >= Vector512<float>.Count)
                    {
                        // The last 16 places of the run, the lanes already added masked out as well.
                        int last = end - Vector512<float>.Count;
                        Vector512<float> fresh = Vector512.GreaterThanOrEqual(FlatColumns.Lanes, Vector512.Create(q - last)).AsSingle();
                        ref float target = ref Unsafe.Add(ref channel, last + shift);
                        Vector512<float> inside = FlatColumns.Inside(FlatColumns.Start(last, width), low, high) & fresh;
                        (Vector512.LoadUnsafe(ref target) + (Vector512.LoadUnsafe(ref sourceRef, (nuint)last) & inside)).StoreUnsafe(ref target);
                    }
                    else
                    {
                        for (int j = q % w; q < end; q++, j = j + 1 == w ? 0 : j + 1)
                        {
                            if (j >= columnStart && j < columnEnd)
                            {
                                Unsafe.Add(ref channel, q + shift) += source[q];
                            }
                        }
                    }
                }
            }
        }
    }
}
