using ScratchNet.Data.Imaging;

namespace ScratchNet.Data.Tests.Imaging;

public sealed class PaperSurfaceTests
{
    // Paper lit from the left: white at x = 0, grey-70 at the right edge; a bold black bar across the middle third.
    private static float[] ShadedPaperWithABar(int side, out float[] paper)
    {
        var pixels = new float[side * side];
        paper = new float[side * side];
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                float level = 1f - (0.73f * x / (side - 1));
                paper[(y * side) + x] = level;
                bool bar = y >= side / 3 && y < 2 * side / 3 && x >= side / 6 && x < 5 * side / 6;
                pixels[(y * side) + x] = bar ? 0f : level;
            }
        }

        return pixels;
    }

    [Test]
    public void ShadedPaper_IsFittedUnderTheInkToo_SoOnlyTheInkStandsOut()
    {
        float[] pixels = ShadedPaperWithABar(120, out float[] paper);

        PaperLevel surface = PaperSurface.Fit(pixels, 120, 120);

        Assert.That(surface.Zip(paper, (s, p) => Math.Abs(s - p)).Max(), Is.LessThan(0.01f), "the surface is the paper's ramp, under the bar as well");
    }

    [Test]
    public void ABoldStroke_IsNotTakenForBackground()
    {
        // A third of the picture is ink: a window-based background (a blur, a closing) narrower than that would erase it.
        var pixels = new float[90 * 90];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = i % 90 is >= 30 and < 60 ? 0.05f : 0.9f;
        }

        PaperLevel surface = PaperSurface.Fit(pixels, 90, 90);

        Assert.That(surface, Is.All.EqualTo(0.9f).Within(0.005f));
    }

    [Test]
    public void IgnoredPixels_DoNotPullTheSurface()
    {
        float[] pixels = [.. Enumerable.Repeat(0.8f, 40 * 40)];
        var ignore = new bool[pixels.Length];
        for (int i = 0; i < 40 * 8; i++)
        {
            (pixels[i], ignore[i]) = (0.95f, true);
        }

        Assert.That(PaperSurface.Fit(pixels, 40, 40, ignore), Is.All.EqualTo(0.8f).Within(0.005f));
        Assert.That(PaperSurface.Fit(pixels, 40, 40)[0], Is.GreaterThan(0.85f), "without the flags the bright band is paper too");
    }

    [Test]
    public void Throws_WhenTheSizeDoesNotMatchThePixels()
    {
        var e = Assert.Throws<ArgumentException>(() => PaperSurface.Fit(new float[10], 3, 4));
        Assert.That(e!.Message, Does.Contain("10 pixels, but 3 × 4 = 12"));
    }
}
