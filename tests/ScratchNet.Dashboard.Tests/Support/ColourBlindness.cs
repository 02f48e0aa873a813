namespace ScratchNet.Dashboard.Tests.Support;

/// <summary>
/// How a colour looks to a reader with deuteranopia or protanopia (Machado, Oliveira and Fernandes 2009, severity 1.0, on
/// linear RGB), and how far apart two colours look (CIE 1976 ΔE in L*a*b*, D65): about 2 is "the same", 10 plainly different.
/// </summary>
public static class ColourBlindness
{
    public static IReadOnlyList<(string Kind, double[,] Matrix)> Simulations { get; } =
    [
        ("deuteranopia", new[,] { { 0.367322, 0.860646, -0.227968 }, { 0.280085, 0.672501, 0.047413 }, { -0.011820, 0.042940, 0.968881 } }),
        ("protanopia", new[,] { { 0.152286, 1.052583, -0.204868 }, { 0.114503, 0.786281, 0.099216 }, { -0.003882, -0.048116, 1.051998 } }),
    ];

    /// <summary>WCAG's relative luminance of an sRGB colour (0–255 channels).</summary>
    public static double Luminance(double[] rgb)
    {
        double[] l = [.. rgb.Select(Linear)];
        return (0.2126 * l[0]) + (0.7152 * l[1]) + (0.0722 * l[2]);
    }

    public static double DeltaE(string a, string b, double[,] simulation)
    {
        double[] la = Lab(Simulate(Hex(a), simulation)), lb = Lab(Simulate(Hex(b), simulation));
        return Math.Sqrt(Enumerable.Range(0, 3).Sum(i => (la[i] - lb[i]) * (la[i] - lb[i])));
    }

    private static double[] Hex(string colour) => [.. Enumerable.Range(0, 3).Select(i => (double)Convert.ToInt32(colour.Substring(1 + (2 * i), 2), 16))];

    private static double Linear(double channel)
    {
        double v = channel / 255;
        return v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
    }

    private static double[] Simulate(double[] rgb, double[,] m)
    {
        double[] l = [.. rgb.Select(Linear)];
        return [.. Enumerable.Range(0, 3).Select(i => Math.Clamp((m[i, 0] * l[0]) + (m[i, 1] * l[1]) + (m[i, 2] * l[2]), 0, 1))];
    }

    private static double[] Lab(double[] linear)
    {
        double x = ((0.4124 * linear[0]) + (0.3576 * linear[1]) + (0.1805 * linear[2])) / 0.95047;
        double y = (0.2126 * linear[0]) + (0.7152 * linear[1]) + (0.0722 * linear[2]);
        double z = ((0.0193 * linear[0]) + (0.1192 * linear[1]) + (0.9505 * linear[2])) / 1.08883;
        static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : (7.787 * t) + (16.0 / 116);
        return [(116 * F(y)) - 16, 500 * (F(x) - F(y)), 200 * (F(y) - F(z))];
    }
}
