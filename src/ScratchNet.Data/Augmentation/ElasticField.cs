using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Data.Augmentation;

/// <summary>
/// Elastic distortion's displacement field (Simard, Steinkraus and Platt 2003): white noise smoothed by a Gaussian and
/// scaled by α. The fast twin of <see cref="ElasticFieldNaive"/>: the 2-D Gaussian is separable, so it runs as a
/// horizontal then a vertical 1-D pass, 8 columns at a time.
/// </summary>
/// <remarks>
/// The noise is written into rows with a margin of <c>radius</c> zeros on both sides, and the horizontal pass into
/// rows with <c>radius</c> zero rows above and below, so neither pass tests bounds. Each value is one multiply and then
/// one fused multiply-add per tap, in order; a row narrower than 8, and machines without AVX2, run the same sums one
/// value at a time (<see cref="MathF.FusedMultiplyAdd"/>), so the field is the same on every machine. Where the last vector of a row would run past its end it starts 8 before the end instead,
/// recomputing a few values identically.
/// </remarks>
public static class ElasticField
{
    /// <summary>The Gaussian is cut off at ⌈3σ⌉ (where it has fallen to 1 % of its peak).</summary>
    public static int Radius(double sigma) => (int)Math.Ceiling(3 * sigma);

    /// <summary>The 1-D Gaussian of standard deviation <paramref name="sigma"/>, 2·<see cref="Radius"/> + 1 taps summing to 1.</summary>
    public static float[] Kernel(double sigma)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        int r = Radius(sigma);
        var g = new double[(2 * r) + 1];
        for (int i = -r; i <= r; i++)
        {
            g[i + r] = Math.Exp(-(i * i) / (2 * sigma * sigma));
        }

        double total = g.Sum();
        return g.Select(w => (float)(w / total)).ToArray();
    }

    /// <summary>Floats of scratch <see cref="Generate"/> needs: the padded noise rows and the padded horizontal pass.</summary>
    public static int ScratchLength(int height, int width, int radius) => (height * (width + (2 * radius))) + ((height + (2 * radius)) * width);

    /// <summary>The noise keys of the two components, derived from the image's key.</summary>
    public static (ulong X, ulong Y) ComponentKeys(ulong key) => (StatelessRandom.Mix(key ^ 0xE1A5_71C0_0000_0001UL), StatelessRandom.Mix(key ^ 0xE1A5_71C0_0000_0002UL));

    // kernel: (2r + 1) · scratch: ScratchLength(height, width, r) · dx, dy: (height, width)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per batch from the first one
    public static void Generate(ulong key, ReadOnlySpan<float> kernel, float alpha, Span<float> scratch, Span<float> dx, Span<float> dy, int height, int width) =>
        Generate(key, kernel, alpha, scratch, dx, dy, height, width, Vector256.IsHardwareAccelerated);

    /// <param name="vectorised">False computes every value one at a time (tests compare the two).</param>
    internal static void Generate(ulong key, ReadOnlySpan<float> kernel, float alpha, Span<float> scratch, Span<float> dx, Span<float> dy, int height, int width, bool vectorised)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (kernel.Length % 2 != 1)
        {
            throw new ArgumentException($"kernel holds {kernel.Length} taps; a centred kernel has an odd number", nameof(kernel));
        }

        int r = kernel.Length / 2;
        int n = height * width;
        if (dx.Length != n || dy.Length != n)
        {
            throw new ArgumentException($"dx and dy hold {dx.Length} and {dy.Length} values, but {height} × {width} needs {n}", nameof(dx));
        }

        if (scratch.Length < ScratchLength(height, width, r))
        {
            throw new ArgumentException($"scratch holds {scratch.Length} floats, but a {height} × {width} field with radius {r} needs {ScratchLength(height, width, r)}", nameof(scratch));
        }

        Span<float> noise = scratch[..(height * (width + (2 * r)))];
        Span<float> rows = scratch.Slice(noise.Length, (height + (2 * r)) * width);
        (ulong keyX, ulong keyY) = ComponentKeys(key);
        Component(keyX, kernel, alpha, noise, rows, dx, height, width, vectorised);
        Component(keyY, kernel, alpha, noise, rows, dy, height, width, vectorised);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Component(ulong key, ReadOnlySpan<float> kernel, float alpha, Span<float> noise, Span<float> rows, Span<float> d, int height, int width, bool vectorised)
    {
        int r = kernel.Length / 2;
        int paddedWidth = width + (2 * r);
        Noise(key, noise, height, width, r, vectorised);

        // Horizontal: rows[v + r, u] = Σk w[k]·noise[v, u + k] (noise column u + k is image column u + k − r).
        rows[..(r * width)].Clear();
        rows[((height + r) * width)..].Clear();
        for (int v = 0; v < height; v++)
        {
            Convolve(noise.Slice(v * paddedWidth, paddedWidth), 1, kernel, 1f, rows.Slice((v + r) * width, width), vectorised);
        }

        // Vertical, over the rows as one flat run: d[p] = α·Σk w[k]·rows[p + k·width].
        Convolve(rows, width, kernel, alpha, d, vectorised);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Noise(ulong key, Span<float> noise, int height, int width, int r, bool vectorised)
    {
        int paddedWidth = width + (2 * r);
        ref float noiseRef = ref MemoryMarshal.GetReference(noise);
        Vector256<uint> lanes = Vector256.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u);
        for (int v = 0; v < height; v++)
        {
            Span<float> row = noise.Slice(v * paddedWidth, paddedWidth);
            row[..r].Clear();
            row[(r + width)..].Clear();
            int u = 0;
            if (vectorised)
            {
                for (; u + 8 <= width; u += 8)
                {
                    StatelessRandom.Noise(lanes + Vector256.Create((uint)((v * width) + u)), key).StoreUnsafe(ref noiseRef, (nuint)((v * paddedWidth) + r + u));
                }
            }

            for (; u < width; u++)
            {
                row[r + u] = StatelessRandom.Noise((uint)((v * width) + u), key);
            }

        }
    }

    // x: at least (length of y − 1) + (taps − 1)·step + 1 · y[i] = scale·Σk w[k]·x[i + k·step], one fused multiply-add per k in order of k
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Convolve(ReadOnlySpan<float> x, int step, ReadOnlySpan<float> kernel, float scale, Span<float> y, bool vectorised)
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref float wRef = ref MemoryMarshal.GetReference(kernel);
        int taps = kernel.Length;
        int i = 0;
        if (vectorised && y.Length >= 8)
        {
            // Four vectors at a time: each sum waits on its previous add, so one chain alone would run at the adder's
            // latency; four independent chains keep it busy. Positions past the end are clamped to the last vector,
            // which is then computed more than once, identically.
            Vector256<float> scales = Vector256.Create(scale);
            int last = y.Length - 8;
            for (; ; i += 32)
            {
                nuint i0 = (nuint)Math.Min(i, last), i1 = (nuint)Math.Min(i + 8, last), i2 = (nuint)Math.Min(i + 16, last), i3 = (nuint)Math.Min(i + 24, last);
                Vector256<float> w = Vector256.Create(wRef);
                Vector256<float> s0 = w * Vector256.LoadUnsafe(ref xRef, i0);
                Vector256<float> s1 = w * Vector256.LoadUnsafe(ref xRef, i1);
                Vector256<float> s2 = w * Vector256.LoadUnsafe(ref xRef, i2);
                Vector256<float> s3 = w * Vector256.LoadUnsafe(ref xRef, i3);
                for (int k = 1; k < taps; k++)
                {
                    w = Vector256.Create(Unsafe.Add(ref wRef, k));
                    nuint offset = (nuint)(k * step);
                    s0 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref xRef, i0 + offset), s0);
                    s1 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref xRef, i1 + offset), s1);
                    s2 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref xRef, i2 + offset), s2);
                    s3 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref xRef, i3 + offset), s3);
                }

                (scales * s0).StoreUnsafe(ref yRef, i0);
                (scales * s1).StoreUnsafe(ref yRef, i1);
                (scales * s2).StoreUnsafe(ref yRef, i2);
                (scales * s3).StoreUnsafe(ref yRef, i3);
                if (i + 24 >= last)
                {
                    return;
                }
            }
        }

        for (; i < y.Length; i++)
        {
            float sum = kernel[0] * x[i];
            for (int k = 1; k < taps; k++)
            {
                sum = MathF.FusedMultiplyAdd(kernel[k], x[i + (k * step)], sum);
            }

            y[i] = scale * sum;
        }
    }
}
