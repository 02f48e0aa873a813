using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ScratchNet.Data.Augmentation;

/// <summary>
/// Warps an 8-bit image by an inverse affine map plus an optional displacement field, with bilinear interpolation
/// and zeros outside the image, writing floats in [0, 1]: the fast twin of <see cref="ImageWarpNaive"/>.
/// </summary>
/// <remarks>
/// The image is first copied into a frame of zeros one pixel wide on the top and left and two on the bottom and
/// right (<see cref="Pad"/>). Source coordinates are clamped to [−1, width] × [−1, height]; a point clamped there
/// would have read only zeros anyway, so the clamp changes nothing, but every read now lands inside the frame and
/// the loop needs no bounds tests. With AVX2, 8 output pixels are computed at once: one 32-bit gather per image
/// row fetches both horizontal neighbours (4 bytes from the left one on), so a pixel costs two gathered lanes.
/// Without AVX2, and for the last <c>(height·width) mod 8</c> pixels, the same arithmetic (the same fused
/// multiply-adds) runs one pixel at a time, so the results are identical on every machine. Interpolation runs on the bytes' values and divides by
/// 255 at the end, as <see cref="Idx.PixelScaler"/> does: the identity map reproduces its floats bit for bit.
/// </remarks>
public static class ImageWarp
{
    private const float MaxPixel = 255f;

    /// <summary>Bytes a padded image of this shape needs: (height + 3) rows of (width + 3), plus 4 so the last 32-bit read stays inside.</summary>
    public static int PaddedLength(int height, int width) => ((height + 3) * (width + 3)) + 4;

    // image: (height, width) · padded: PaddedLength(height, width), the image at row 1, column 1, zeros around it
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per image from the first batch; under tiering it stayed 6x slower
    public static void Pad(ReadOnlySpan<byte> image, Span<byte> padded, int height, int width)
    {
        CheckSize(height, width);
        if (image.Length != height * width)
        {
            throw new ArgumentException($"image holds {image.Length} pixels, but {height} × {width} needs {height * width}", nameof(image));
        }

        if (padded.Length < PaddedLength(height, width))
        {
            throw new ArgumentException($"padded holds {padded.Length} bytes, but a padded {height} × {width} image needs {PaddedLength(height, width)}", nameof(padded));
        }

        int stride = width + 3;
        padded[..(stride + 1)].Clear();
        ref byte from = ref MemoryMarshal.GetReference(image);
        ref byte to = ref MemoryMarshal.GetReference(padded);
        for (int v = 0; v < height; v++)
        {
            ref byte source = ref Unsafe.Add(ref from, v * width);
            ref byte row = ref Unsafe.Add(ref to, ((v + 1) * stride) + 1);
            if (width >= 16)
            {
                // 16 bytes at a time, the last 16 overlapping: a call to memmove per 28-byte row cost more than the copy.
                for (int u = 0; u < width - 16; u += 16)
                {
                    Vector128.LoadUnsafe(ref source, (nuint)u).StoreUnsafe(ref row, (nuint)u);
                }

                Vector128.LoadUnsafe(ref source, (nuint)(width - 16)).StoreUnsafe(ref row, (nuint)(width - 16));
            }
            else
            {
                image.Slice(v * width, width).CopyTo(padded.Slice(((v + 1) * stride) + 1, width));
            }

            // The two columns right of this row and the first column of the next.
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref row, width), (ushort)0);
            Unsafe.Add(ref row, width + 2) = 0;
        }

        padded[(((height + 1) * stride) + 1)..].Clear();
    }

    // padded: PaddedLength(height, width) from Pad · dx, dy: (height, width) added to the source coordinates, or both empty · y: (height, width)
    /// <remarks>
    /// Output pixel (u, v) reads source point (sx, sy) = (A00·u + A01·v + Bx + dx[v, u], A10·u + A11·v + By + dy[v, u]):
    /// y = lerp(lerp(p00, p10, fx), lerp(p01, p11, fx), fy) / 255, where p are the four pixels around it and f its fractions.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per batch from the first one; tier 0 vector code is slow
    public static void Forward(ReadOnlySpan<byte> padded, ReadOnlySpan<float> dx, ReadOnlySpan<float> dy, Span<float> y, int height, int width, in InverseAffine map) =>
        Forward(padded, dx, dy, y, height, width, map, Avx2.IsSupported);

    /// <param name="gather">False runs every pixel through the one-at-a-time path (tests compare the two).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward(ReadOnlySpan<byte> padded, ReadOnlySpan<float> dx, ReadOnlySpan<float> dy, Span<float> y, int height, int width, in InverseAffine map, bool gather)
    {
        CheckShapes(y.Length, "y", dx, dy, y, height, width);
        if (padded.Length < PaddedLength(height, width))
        {
            throw new ArgumentException($"padded holds {padded.Length} bytes, but a padded {height} × {width} image needs {PaddedLength(height, width)}", nameof(padded));
        }

        int n = height * width;
        int p = 0;
        if (gather && Avx2.IsSupported)
        {
            p = ForwardAvx2(padded, dx, dy, y, height, width, map);
        }

        for (; p < n; p++)
        {
            (int v, int u) = Math.DivRem(p, width);
            y[p] = Pixel(padded, dx.IsEmpty ? 0f : dx[p], dy.IsEmpty ? 0f : dy[p], !dx.IsEmpty, u, v, height, width, map);
        }
    }

    internal static void CheckShapes(int sourceLength, string sourceName, ReadOnlySpan<float> dx, ReadOnlySpan<float> dy, ReadOnlySpan<float> y, int height, int width)
    {
        CheckSize(height, width);
        int n = height * width;
        if (sourceLength != n)
        {
            throw new ArgumentException($"{sourceName} holds {sourceLength} values, but {height} × {width} needs {n}", sourceName);
        }

        if (dx.Length != dy.Length || (!dx.IsEmpty && dx.Length != n))
        {
            throw new ArgumentException($"dx and dy hold {dx.Length} and {dy.Length} values; both must be empty or hold {height} × {width} = {n}", nameof(dx));
        }

        if (y.Length != n)
        {
            throw new ArgumentException($"y holds {y.Length} values, but {height} × {width} needs {n}", nameof(y));
        }
    }

    private static void CheckSize(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
    }

    /// <summary>One output pixel, with exactly the arithmetic of one lane of <see cref="ForwardAvx2"/>.</summary>
    private static float Pixel(ReadOnlySpan<byte> padded, float dx, float dy, bool displaced, int u, int v, int height, int width, in InverseAffine map)
    {
        float uf = u;
        float vf = v;
        float sx = MathF.FusedMultiplyAdd(map.A00, uf, MathF.FusedMultiplyAdd(map.A01, vf, map.Bx));
        float sy = MathF.FusedMultiplyAdd(map.A10, uf, MathF.FusedMultiplyAdd(map.A11, vf, map.By));
        if (displaced)
        {
            sx += dx;
            sy += dy;
        }

        sx = Math.Min(Math.Max(sx, -1f), width);
        sy = Math.Min(Math.Max(sy, -1f), height);
        float x0 = MathF.Floor(sx);
        float y0 = MathF.Floor(sy);
        float fx = sx - x0;
        float fy = sy - y0;
        int stride = width + 3;
        int at = ((int)y0 * stride) + (int)x0 + stride + 1;
        float a = padded[at];
        float b = padded[at + 1];
        float c = padded[at + stride];
        float d = padded[at + stride + 1];
        float top = MathF.FusedMultiplyAdd(fx, b - a, a);
        float bottom = MathF.FusedMultiplyAdd(fx, d - c, c);
        return MathF.FusedMultiplyAdd(fy, bottom - top, top) / MaxPixel;
    }

    /// <returns>The number of pixels written: the whole multiples of 8.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int ForwardAvx2(ReadOnlySpan<byte> padded, ReadOnlySpan<float> dx, ReadOnlySpan<float> dy, Span<float> y, int height, int width, in InverseAffine map)
    {
        int n = height * width;
        int stride = width + 3;
        bool displaced = !dx.IsEmpty;
        Vector256<float> a00 = Vector256.Create(map.A00), a01 = Vector256.Create(map.A01), bx = Vector256.Create(map.Bx);
        Vector256<float> a10 = Vector256.Create(map.A10), a11 = Vector256.Create(map.A11), by = Vector256.Create(map.By);
        Vector256<float> minusOne = Vector256.Create(-1f), right = Vector256.Create((float)width), bottomEdge = Vector256.Create((float)height);
        Vector256<float> maxPixel = Vector256.Create(MaxPixel);
        Vector256<float> rowBytes = Vector256.Create((float)stride), originBytes = Vector256.Create((float)(stride + 1));
        Vector256<int> widths = Vector256.Create(width), strides = Vector256.Create(stride);
        Vector256<int> lowByte = Vector256.Create(0xFF), eight = Vector256.Create(8), one = Vector256<int>.One;
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref float dxRef = ref MemoryMarshal.GetReference(dx);
        ref float dyRef = ref MemoryMarshal.GetReference(dy);

        // Lane i holds pixel p + i as column u and row v, advanced by 8 and wrapped at the row's end.
        Vector256<int> u = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        Vector256<int> v = Vector256<int>.Zero;
        Wrap(ref u, ref v, widths, one);
        bool wide = width >= 8;
        int p = 0;
        fixed (byte* source = padded)
        {
            for (; p + 8 <= n; p += 8)
            {
                Vector256<float> uf = Vector256.ConvertToSingle(u);
                Vector256<float> vf = Vector256.ConvertToSingle(v);
                Vector256<float> sx = Vector256.FusedMultiplyAdd(a00, uf, Vector256.FusedMultiplyAdd(a01, vf, bx));
                Vector256<float> sy = Vector256.FusedMultiplyAdd(a10, uf, Vector256.FusedMultiplyAdd(a11, vf, by));
                if (displaced)
                {
                    sx += Vector256.LoadUnsafe(ref dxRef, (nuint)p);
                    sy += Vector256.LoadUnsafe(ref dyRef, (nuint)p);
                }

                // The raw instructions: Vector256.Min/Max and ConvertToInt32 add NaN, signed-zero and overflow fix-ups
                // (a dozen instructions here) that finite coordinates in [−1, width] × [−1, height] never need.
                sx = Avx.Min(Avx.Max(sx, minusOne), right);
                sy = Avx.Min(Avx.Max(sy, minusOne), bottomEdge);
                Vector256<float> x0 = Avx.RoundToNegativeInfinity(sx);
                Vector256<float> y0 = Avx.RoundToNegativeInfinity(sy);
                Vector256<float> fx = sx - x0;
                Vector256<float> fy = sy - y0;
                // The byte offset, computed in float (exact: every term is a whole number far below 2²⁴).
                Vector256<int> at = Avx.ConvertToVector256Int32WithTruncation(Vector256.FusedMultiplyAdd(y0, rowBytes, x0 + originBytes));
                Vector256<int> upper = Avx2.GatherVector256((int*)source, at, 1);
                Vector256<int> lower = Avx2.GatherVector256((int*)source, at + strides, 1);
                Vector256<float> a = Vector256.ConvertToSingle(upper & lowByte);
                Vector256<float> b = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(upper, 8) & lowByte);
                Vector256<float> c = Vector256.ConvertToSingle(lower & lowByte);
                Vector256<float> d = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(lower, 8) & lowByte);
                Vector256<float> top = Vector256.FusedMultiplyAdd(fx, b - a, a);
                Vector256<float> bottom = Vector256.FusedMultiplyAdd(fx, d - c, c);
                (Vector256.FusedMultiplyAdd(fy, bottom - top, top) / maxPixel).StoreUnsafe(ref yRef, (nuint)p);
                u += eight;
                if (wide)
                {
                    // At most one wrap, applied without a branch: a branch taken every 3.5 vectors is mispredicted often.
                    Vector256<int> past = Vector256.GreaterThanOrEqual(u, widths);
                    u -= widths & past;
                    v -= past;
                }
                else
                {
                    Wrap(ref u, ref v, widths, one);
                }
            }
        }

        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Wrap(ref Vector256<int> u, ref Vector256<int> v, Vector256<int> widths, Vector256<int> one)
    {
        // Images narrower than 8 wrap several times.
        Vector256<int> past = Vector256.GreaterThanOrEqual(u, widths);
        while (past != Vector256<int>.Zero)
        {
            u -= widths & past;
            v += one & past;
            past = Vector256.GreaterThanOrEqual(u, widths);
        }
    }
}
