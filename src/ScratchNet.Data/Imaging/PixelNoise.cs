namespace ScratchNet.Data.Imaging;

/// <summary>
/// How grainy a picture is: the standard deviation of its pixel noise (a phone sensor in dim light, a high ISO), which
/// the ink threshold and the check for uneven light must stay above, or the noise is taken for strokes and for shadows.
/// </summary>
/// <remarks>
/// Measured on the paper, from each pixel's difference to the mean of its left and right neighbours, which is zero however
/// the light slopes across the sheet; the median of its size is then the noise's (Immerkær 1996 uses the same idea with a
/// 3 × 3 kernel). For Gaussian noise of deviation σ the difference has deviation σ·√1.5, and its median size is 0.6745 of
/// that. Strokes and their blurred edges are left out, or on a small or tightly cropped picture their slopes would be
/// taken for noise.
/// </remarks>
public static class PixelNoise
{
    // Enough differences to pin a median; a 12-megapixel photo would otherwise sort millions of them.
    private const int MaxSamples = 100_000;

    // Fewer paper pixels than this tell nothing about noise (an 8 × 8 icon, a digit cropped to its strokes).
    private const int MinSamples = 256;

    // How much darker than the paper surface under it a pixel may be and still be measured as paper: four deviations of
    // the grainiest noise a digit can be read through, far less than a stroke's darkness.
    private const float PaperTolerance = 0.15f;

    /// <summary>The noise's standard deviation, in grey levels of [0, 1]; 0 for a clean drawing or scan, or too little paper to tell.</summary>
    /// <param name="grey">Width × Height grey levels, paper bright.</param>
    /// <param name="paper">The paper surface fitted under them (<see cref="PaperSurface"/>).</param>
    /// <param name="ignore">Pixels that are no part of the picture (the desk around a sheet), or null.</param>
    public static float Sigma(ReadOnlySpan<float> grey, PaperLevel paper, int width, int height, ReadOnlySpan<bool> ignore = default)
    {
        ArgumentNullException.ThrowIfNull(paper);
        if (grey.Length != width * height || paper.Count != grey.Length)
        {
            throw new ArgumentException($"the image has {grey.Length} pixels and its paper {paper.Count}, but {width} × {height} = {width * height} were given", nameof(grey));
        }

        int rowStep = Math.Max(1, (int)Math.Ceiling((double)height * Math.Max(0, width - 2) / MaxSamples));
        var differences = new List<float>();
        for (int y = 0; y < height; y += rowStep)
        {
            for (int x = 1; x < width - 1; x++)
            {
                int i = (y * width) + x;
                if (IsPaper(grey, paper, ignore, i - 1) && IsPaper(grey, paper, ignore, i) && IsPaper(grey, paper, ignore, i + 1))
                {
                    differences.Add(Math.Abs(grey[i] - ((grey[i - 1] + grey[i + 1]) / 2f)));
                }
            }
        }

        if (differences.Count < MinSamples)
        {
            return 0f;
        }

        differences.Sort();
        return differences[differences.Count / 2] / (0.6745f * MathF.Sqrt(1.5f));
    }

    private static bool IsPaper(ReadOnlySpan<float> grey, PaperLevel paper, ReadOnlySpan<bool> ignore, int i) =>
        (ignore.IsEmpty || !ignore[i]) && paper[i] - grey[i] < PaperTolerance;
}
