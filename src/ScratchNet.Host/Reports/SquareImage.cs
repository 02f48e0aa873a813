namespace ScratchNet.Host.Reports;

/// <summary>Whether a row of features can be drawn as a square picture (784 → 28 × 28).</summary>
public static class SquareImage
{
    /// <returns>The image's width and height in pixels, or 0 when <paramref name="pixels"/> is not a square number.</returns>
    public static int Side(int pixels)
    {
        int side = (int)Math.Round(Math.Sqrt(pixels));
        return pixels > 0 && side * side == pixels ? side : 0;
    }
}
