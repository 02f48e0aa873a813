using System.Collections;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// The paper's brightness under every pixel of a picture, as <see cref="PaperSurface"/> fits it: one level, or a quadratic
/// in x and y. It is worked out where it is asked for, not held: held, it took a photo's size again (64 MB for a
/// 4000 × 4000 photo, beside its 64 MB of grey levels), and it is six numbers.
/// </summary>
public sealed class PaperLevel : IReadOnlyList<float>
{
    private readonly float _level;
    private readonly double[]? _a;
    private readonly double[] _u;
    private readonly double[] _v;

    private PaperLevel(int width, int height, float level, double[]? coefficients)
    {
        (Width, Height, _level, _a) = (width, height, level, coefficients);
        _u = coefficients is null ? [] : [.. Enumerable.Range(0, width).Select(x => U(x, width))];
        _v = coefficients is null ? [] : [.. Enumerable.Range(0, height).Select(y => U(y, height))];
    }

    /// <summary>The paper as one level everywhere.</summary>
    public static PaperLevel Flat(int width, int height, float level) => new(width, height, level, null);

    /// <summary>The paper as b(u, v) = a0 + a1·u + a2·v + a3·u² + a4·u·v + a5·v², u and v the pixel's place scaled to [−1, 1], clamped to [0, 1].</summary>
    public static PaperLevel Quadratic(int width, int height, double[] coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (coefficients.Length != 6)
        {
            throw new ArgumentException($"a quadratic surface has 6 coefficients, but {coefficients.Length} were given", nameof(coefficients));
        }

        return new(width, height, 0f, [.. coefficients]);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Width × Height: one level per pixel, row-major.</summary>
    public int Count => Width * Height;

    /// <summary>The paper's level under the pixel at row-major index <paramref name="i"/>.</summary>
    public float this[int i] => _a is null ? _level : At(i % Width, i / Width);

    /// <summary>The paper's level under the pixel at (x, y).</summary>
    public float At(int x, int y)
    {
        if (_a is not { } a)
        {
            return _level;
        }

        (double u, double v) = (_u[x], _v[y]);
        double b = a[0] + (a[1] * u) + (a[2] * v) + (a[3] * u * u) + (a[4] * u * v) + (a[5] * v * v);
        return (float)Math.Clamp(b, 0, 1);
    }

    /// <summary>A coordinate scaled to [−1, 1], so the fit's normal equations stay well conditioned at any image size.</summary>
    internal static double U(int at, int length) => length > 1 ? ((2.0 * at) / (length - 1)) - 1 : 0;

    public IEnumerator<float> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
