using ScratchNet.Data.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ScratchNet.Data.Tests.Imaging;

public sealed class ImageOdditiesTests
{
    private static IReadOnlyList<string> OdditiesOf(Image<Rgba32> image) =>
        [.. MnistImagePreprocessor.Prepare(image, "photo").Oddities.Select(o => $"{o.What}. Try: {o.Advice}")];

    [TestCase("png28")]
    [TestCase("grey-paper")]
    [TestCase("chalk")]
    [TestCase("tight-dark")]
    [TestCase("tight-light")]
    [TestCase("desk")]
    [TestCase("shade-top-bottom")]
    public void OneDigitOnPaper_HasNoOddities(string condition)
    {
        using Image<Rgba32> image = PhotoConditions.Render(condition, DigitImages.Mnist());

        Assert.That(OdditiesOf(image), Is.Empty);
    }

    [Test]
    public void ADeskShowingOnlyLeftAndRight_IsCutOffAsLinesAlongTheSidesAre()
    {
        // The sheet runs off the top and bottom, so it is no sheet lying on a desk; the desk strips, a sixth of the width
        // each, are bands along the sides, cut off as a frame's lines are.
        using Image<Rgba32> sheet = PhotoConditions.Render("grey-paper", DigitImages.Mnist());
        using var image = new Image<Rgba32>(sheet.Width + 120, sheet.Height, new Rgba32(40, 40, 40));
        image.Mutate(c => c.DrawImage(sheet, new Point(60, 0), 1f));

        Assert.That(OdditiesOf(image), Is.Empty);
    }

    [Test]
    public void ADeskShowingWideAlongOneSide_IsNamedAsInkAlongTheEdge()
    {
        // A desk across more of the picture than a line is wide: it reads as ink, and the warning says so.
        using Image<Rgba32> sheet = PhotoConditions.Render("grey-paper", DigitImages.Mnist());
        using var image = new Image<Rgba32>(sheet.Width + 160, sheet.Height, new Rgba32(40, 40, 40));
        image.Mutate(c => c.DrawImage(sheet, new Point(160, 0), 1f));

        Assert.That(OdditiesOf(image), Has.Some.Contains("ink runs all along 1 of the picture's sides (a desk, a shadow's edge, the sheet's edge?)").And.Some.Contains("Try: crop to the paper around the digit"));
    }

    [Test]
    public void AShadowWithAHardEdge_IsNamedAsUnevenPaper()
    {
        // The right third of the paper lies in a shadow 20 % darker: no smooth surface follows its edge, and too little
        // darker to be ink, it stays a grey haze over the paper.
        using Image<Rgba32> image = PhotoConditions.Render("grey-paper", DigitImages.Mnist());
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgba32> row = rows.GetRowSpan(y);
                for (int x = 2 * row.Length / 3; x < row.Length; x++)
                {
                    byte v = (byte)(row[x].R * 0.8);
                    row[x] = new Rgba32(v, v, v);
                }
            }
        });

        Assert.That(OdditiesOf(image), Has.Some.Contains("the light on the paper is uneven in a way levelling cannot follow").And.Some.Contains("Try: photograph it in more even light"));
    }

    [TestCase(0)]
    [TestCase(15)]
    [TestCase(20)]
    [TestCase(30)]
    public void AShadowAlongASide_IsNamedThroughHeavySensorNoise(int sigma)
    {
        // The left 30 % of grey-225 paper lies in a hard-edged shadow 40 % darker: 90 grey levels, many deviations of the
        // noise. Taken pixel by pixel past the noise floor, only some of the shadow's pixels were ink at sigma 15 and up, so
        // the side no longer counted as inked and the wrong readings such a picture gives came out with no warning.
        using Image<Rgba32> image = Noisy(Shaded(DigitImages.Draw(1000, 800, new Rgba32(225, 225, 225), new Rgba32(34, 34, 34), cx: 500, cy: 400, radius: 80)), sigma);

        Assert.That(OdditiesOf(image), Has.Some.Contains("ink runs all along 1 of the picture's sides"));
    }

    [TestCase(15)]
    [TestCase(20)]
    [TestCase(30)]
    public void HeavySensorNoiseAlone_IsNoInkAlongTheSides(int sigma)
    {
        // The shadow's counterpart: judged through the noise, plain paper along the sides stays paper.
        using Image<Rgba32> image = Noisy(DigitImages.Draw(1000, 800, new Rgba32(225, 225, 225), new Rgba32(34, 34, 34), cx: 500, cy: 400, radius: 80), sigma);

        Assert.That(OdditiesOf(image), Has.None.Contains("ink runs all along"));
    }

    // The left 30 % darkened to 0.6 of its grey.
    private static Image<Rgba32> Shaded(Image<Rgba32> image)
    {
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgba32> row = rows.GetRowSpan(y);
                for (int x = 0; x < 3 * row.Length / 10; x++)
                {
                    byte v = (byte)(row[x].R * 0.6);
                    row[x] = new Rgba32(v, v, v);
                }
            }
        });
        return image;
    }

    // Gaussian noise of sigma grey levels (seeded), as a phone's sensor gives in dim light.
    private static Image<Rgba32> Noisy(Image<Rgba32> image, int sigma)
    {
        var random = new Random(3);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgba32> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    double gauss = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                    byte v = (byte)Math.Clamp(Math.Round(row[x].R + (sigma * gauss)), 0, 255);
                    row[x] = new Rgba32(v, v, v);
                }
            }
        });
        return image;
    }

    [Test]
    public void ABlackPatchInsteadOfStrokes_IsNamedAsTooMuchInk()
    {
        // A thumb over the lens, or a shadow: a solid square, where a digit is lines.
        using var image = new Image<Rgba32>(200, 200, new Rgba32(255, 255, 255));
        for (int y = 50; y < 150; y++)
        {
            for (int x = 50; x < 150; x++)
            {
                image[x, y] = new Rgba32(0, 0, 0);
            }
        }

        Assert.That(OdditiesOf(image), Has.Some.Contains("of the input is ink, where MNIST's digits have 3 % to 30 %").And.Some.Contains("Try: crop to one digit"));
    }
}
