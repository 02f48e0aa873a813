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
/// one fused multiply-add per tap, in order, whatever the vector width: Vector512 where AVX-512 is, Vector256 where
/// AVX2 is, and one value at a time (<see cref="MathF.FusedMultiplyAdd"/>) otherwise and for rows narrower than a
/// vector, so the field is the same on every machine. Where a row's last vector would run past its end it starts a
/// vector before the end instead, recomputing a few values identically. Four vectors are summed at once: each sum
/// waits on its previous fused multiply-add, so one chain alone would run at the unit's latency, not its throughput.
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
        Generate(key, kernel, alpha, scratch, dx, dy, height, width, Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 1);

    /// <param name="lanes">16 (Vector512), 8 (Vector256) or 1 (one value at a time); tests compare them.</param>
    internal static void Generate(ulong key, ReadOnlySpan<float> kernel, float alpha, Span<float> scratch, Span<float> dx, Span<float> dy, int height, int width, int lanes)
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
        // The margins: both components write only the insides, so one clear serves both (and a clear per row cost more
        // than the noise in it).
        noise.Clear();
        rows[..(r * width)].Clear();
        rows[((height + r) * width)..].Clear();
        (ulong keyX, ulong keyY) = ComponentKeys(key);
        Component(keyX, kernel, alpha, noise, rows, dx, height, width, lanes);
        Component(keyY, kernel, alpha, noise, rows, dy, height, width, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Component(ulong key, ReadOnlySpan<float> kernel, float alpha, Span<float> noise, Span<float> rows, Span<float> d, int height, int width, int lanes)
    {
        int r = kernel.Length / 2;
        int paddedWidth = width + (2 * r);
        int n = height * width;
        Noise(key, noise, height, width, r, lanes);

        // Horizontal: rows[v + r, u] = Σk w[k]·noise[v, u + k] (noise column u + k is image column u + k − r).
        ref float noiseRef = ref MemoryMarshal.GetReference(noise);
        ref float rowsRef = ref MemoryMarshal.GetReference(rows);
        ref float wRef = ref MemoryMarshal.GetReference(kernel);
        ref float dRef = ref MemoryMarshal.GetReference(d);
        if (lanes > 1 && width >= lanes)
        {
            // A row's vectors start at 0, lanes, 2·lanes, … and the last at width − lanes. Item j is vector k of row
            // (j = row·perRow + k), counted up rather than divided out: a division per vector cost as much as its sums.
            int perRow = (width + lanes - 1) / lanes;
            int items = height * perRow;
            Span<nuint> from = stackalloc nuint[4];
            Span<nuint> to = stackalloc nuint[4];
            int row = 0;
            int k = 0;
            for (int j = 0; j < items; j += 4)
            {
                for (int t = 0; t < 4; t++)
                {
                    // Slot t takes item min(j + t, items − 1): past the end, the last vector again.
                    int u = Math.Min(k * lanes, width - lanes);
                    from[t] = (nuint)((row * paddedWidth) + u);
                    to[t] = (nuint)(((row + r) * width) + u);
                    if (j + t < items - 1 && ++k == perRow)
                    {
                        (row, k) = (row + 1, 0);
                    }
                }

                Sum4(ref noiseRef, from, 1, ref wRef, kernel.Length, 1f, ref rowsRef, to, lanes);
            }
        }
        else
        {
            for (int v = 0; v < height; v++)
            {
                for (int u = 0; u < width; u++)
                {
                    rows[((v + r) * width) + u] = Sum1(noise[((v * paddedWidth) + u)..], 1, kernel, 1f);
                }
            }
        }

        // Vertical, over the rows as one flat run: d[p] = α·Σk w[k]·rows[p + k·width].
        if (lanes > 1 && n >= lanes)
        {
            int items = (n + lanes - 1) / lanes;
            Span<nuint> at = stackalloc nuint[4];
            for (int j = 0; j < items; j += 4)
            {
                for (int t = 0; t < 4; t++)
                {
                    at[t] = (nuint)Math.Min(Math.Min(j + t, items - 1) * lanes, n - lanes);
                }

                Sum4(ref rowsRef, at, (nuint)width, ref wRef, kernel.Length, alpha, ref dRef, at, lanes);
            }
        }
        else
        {
            for (int p = 0; p < n; p++)
            {
                d[p] = Sum1(rows[p..], width, kernel, alpha);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Noise(ulong key, Span<float> noise, int height, int width, int r, int lanes)
    {
        int paddedWidth = width + (2 * r);
        ref float noiseRef = ref MemoryMarshal.GetReference(noise);
        for (int v = 0; v < height; v++)
        {
            Span<float> row = noise.Slice(v * paddedWidth, paddedWidth);
            if (lanes == 16 && width >= 16)
            {
                // The last vector overlaps the one before: the values depend only on their indices.
                Vector512<uint> index = Vector512.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 11u, 12u, 13u, 14u, 15u) + Vector512.Create((uint)(v * width));
                for (int u = 0; ; u = Math.Min(u + 16, width - 16))
                {
                    StatelessRandom.Noise(index + Vector512.Create((uint)u), key).StoreUnsafe(ref noiseRef, (nuint)((v * paddedWidth) + r + u));
                    if (u == width - 16)
                    {
                        break;
                    }
                }
            }
            else if (lanes > 1 && width >= 8)
            {
                Vector256<uint> index = Vector256.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u) + Vector256.Create((uint)(v * width));
                for (int u = 0; ; u = Math.Min(u + 8, width - 8))
                {
                    StatelessRandom.Noise(index + Vector256.Create((uint)u), key).StoreUnsafe(ref noiseRef, (nuint)((v * paddedWidth) + r + u));
                    if (u == width - 8)
                    {
                        break;
                    }
                }
            }
            else
            {
                for (int u = 0; u < width; u++)
                {
                    row[r + u] = StatelessRandom.Noise((uint)((v * width) + u), key);
                }
            }
        }
    }

    /// <summary>y[to[t] + i] = scale·Σk w[k]·x[from[t] + i + k·step] for the lanes i of 4 vectors t at once.</summary>
    private static void Sum4(ref float x, ReadOnlySpan<nuint> from, nuint step, ref float w, int taps, float scale, ref float y, ReadOnlySpan<nuint> to, int lanes)
    {
        if (lanes == 16)
        {
            Sum4x16(ref Unsafe.Add(ref x, from[0]), ref Unsafe.Add(ref x, from[1]), ref Unsafe.Add(ref x, from[2]), ref Unsafe.Add(ref x, from[3]), step, ref w, taps, scale,
                ref Unsafe.Add(ref y, to[0]), ref Unsafe.Add(ref y, to[1]), ref Unsafe.Add(ref y, to[2]), ref Unsafe.Add(ref y, to[3]));
        }
        else
        {
            Sum4x8(ref Unsafe.Add(ref x, from[0]), ref Unsafe.Add(ref x, from[1]), ref Unsafe.Add(ref x, from[2]), ref Unsafe.Add(ref x, from[3]), step, ref w, taps, scale,
                ref Unsafe.Add(ref y, to[0]), ref Unsafe.Add(ref y, to[1]), ref Unsafe.Add(ref y, to[2]), ref Unsafe.Add(ref y, to[3]));
        }
    }

    // A method of its own, so its loop has the registers to itself: inlined into Component, the four addresses were
    // reloaded from the stack on every tap and the horizontal pass ran at half speed.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Sum4x16(ref float x0, ref float x1, ref float x2, ref float x3, nuint step, ref float w, int taps, float scale, ref float y0, ref float y1, ref float y2, ref float y3)
    {
        Vector512<float> wk = Vector512.Create(w);
        Vector512<float> s0 = wk * Vector512.LoadUnsafe(ref x0);
        Vector512<float> s1 = wk * Vector512.LoadUnsafe(ref x1);
        Vector512<float> s2 = wk * Vector512.LoadUnsafe(ref x2);
        Vector512<float> s3 = wk * Vector512.LoadUnsafe(ref x3);
        nuint offset = 0;
        for (int k = 1; k < taps; k++)
        {
            wk = Vector512.Create(Unsafe.Add(ref w, k));
            offset += step;
            s0 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x0, offset), s0);
            s1 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x1, offset), s1);
            s2 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x2, offset), s2);
            s3 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x3, offset), s3);
        }

        Vector512<float> scales = Vector512.Create(scale);
        (scales * s0).StoreUnsafe(ref y0);
        (scales * s1).StoreUnsafe(ref y1);
        (scales * s2).StoreUnsafe(ref y2);
        (scales * s3).StoreUnsafe(ref y3);
    }

    /// <summary><see cref="Sum4x16"/> with Vector256, for machines without AVX-512.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Sum4x8(ref float x0, ref float x1, ref float x2, ref float x3, nuint step, ref float w, int taps, float scale, ref float y0, ref float y1, ref float y2, ref float y3)
    {
        Vector256<float> wk = Vector256.Create(w);
        Vector256<float> s0 = wk * Vector256.LoadUnsafe(ref x0);
        Vector256<float> s1 = wk * Vector256.LoadUnsafe(ref x1);
        Vector256<float> s2 = wk * Vector256.LoadUnsafe(ref x2);
        Vector256<float> s3 = wk * Vector256.LoadUnsafe(ref x3);
        nuint offset = 0;
        for (int k = 1; k < taps; k++)
        {
            wk = Vector256.Create(Unsafe.Add(ref w, k));
            offset += step;
            s0 = Vector256.FusedMultiplyAdd(wk, Vector256.LoadUnsafe(ref x0, offset), s0);
            s1 = Vector256.FusedMultiplyAdd(wk, Vector256.LoadUnsafe(ref x1, offset), s1);
            s2 = Vector256.FusedMultiplyAdd(wk, Vector256.LoadUnsafe(ref x2, offset), s2);
            s3 = Vector256.FusedMultiplyAdd(wk, Vector256.LoadUnsafe(ref x3, offset), s3);
        }

        Vector256<float> scales = Vector256.Create(scale);
        (scales * s0).StoreUnsafe(ref y0);
        (scales * s1).StoreUnsafe(ref y1);
        (scales * s2).StoreUnsafe(ref y2);
        (scales * s3).StoreUnsafe(ref y3);
    }

    /// <summary>One lane of <see cref="Sum4x16"/>: scale·Σk w[k]·x[k·step], the same operations in the same order.</summary>
    private static float Sum1(ReadOnlySpan<float> x, int step, ReadOnlySpan<float> kernel, float scale)
    {
        float sum = kernel[0] * x[0];
        for (int k = 1; k < kernel.Length; k++)
        {
            sum = MathF.FusedMultiplyAdd(kernel[k], x[k * step], sum);
        }

        return scale * sum;
    }
}
