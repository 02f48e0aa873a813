using ScratchNet.Data.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ScratchNet.Data.Tests.Imaging;

public sealed class MnistImagePreprocessorTests
{
    private readonly List<string> _files = [];

    [TearDown]
    public void DeleteFiles() => _files.ForEach(File.Delete);

    private string Saved(Image image, string extension)
    {
        string path = DigitImages.Save(image, extension);
        _files.Add(path);
        return path;
    }

    private static (int Width, int Height) InkExtent(float[] field)
    {
        int left = 28, right = -1, top = 28, bottom = -1;
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 28; x++)
            {
                if (field[(y * 28) + x] > 0.02f)
                {
                    (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        return (right - left + 1, bottom - top + 1);
    }

    [TestCase(".png")]
    [TestCase(".jpg")]
    public void DarkDigitOnLightPaper_IsInvertedCroppedFittedAndCentredByMass(string extension)
    {
        using Image<Rgba32> image = DigitImages.Draw(300, 200, new Rgba32(245, 240, 230), new Rgba32(20, 20, 60), cx: 70, cy: 50, radius: 25);

        float[] field = MnistImagePreprocessor.Load(Saved(image, extension));

        Assert.That(field, Has.Length.EqualTo(784));
        Assert.That(field.Max(), Is.GreaterThan(0.9f), "strokes become bright");
        Assert.That(new[] { field[0], field[27], field[^28], field[^1] }, Is.All.LessThan(0.02f), "paper becomes black");
        (double cx, double cy) = MnistImagePreprocessor.CentreOfMass(field, 28, 28);
        Assert.That(cx, Is.EqualTo(14.0).Within(1.0));
        Assert.That(cy, Is.EqualTo(14.0).Within(1.0));
        (int width, int height) = InkExtent(field);
        Assert.That(Math.Max(width, height), Is.InRange(19, 20), "the longer side is fitted to 20 pixels");
        Assert.That(Math.Min(width, height), Is.LessThan(17), "the aspect ratio is kept (the blob is taller than wide)");
    }

    [Test]
    public void AnotherField_IsMadeTheSameWay_AtItsOwnSize()
    {
        using Image<Rgba32> image = DigitImages.Draw(300, 200, new Rgba32(245, 240, 230), new Rgba32(20, 20, 60), cx: 70, cy: 50, radius: 25);
        ImageField idx = ImageField.For("idx", 20, 20);

        float[] field = MnistImagePreprocessor.Load(Saved(image, ".png"), idx);

        Assert.That((idx.BoxWidth, idx.BoxHeight, idx.ByCentreOfMass), Is.EqualTo((14, 14, true)), "MNIST's 20 in 28, scaled to the field");
        Assert.That(field, Has.Length.EqualTo(400));
        (double cx, double cy) = MnistImagePreprocessor.CentreOfMass(field, 20, 20);
        Assert.That((cx, cy), Is.EqualTo((10.0, 10.0)).Using<(double, double)>((a, b) => Math.Abs(a.Item1 - b.Item1) <= 1 && Math.Abs(a.Item2 - b.Item2) <= 1));
        Assert.That(Math.Max(Extent(field, 20).Width, Extent(field, 20).Height), Is.InRange(13, 14));
    }

    [Test]
    public void ANonSquareField_ScalesMnistsBoxWithItsLongerSide_SoATallDigitFillsItsHeight()
    {
        // MNIST cropped to 28 high × 20 wide keeps its digits 20 pixels tall; a box of 20/28 of the shorter side (14) made
        // them 14 pixels tall, smaller than any the model was trained on.
        using Image<Rgba32> image = DigitImages.Draw(300, 200, new Rgba32(245, 240, 230), new Rgba32(20, 20, 60), cx: 70, cy: 50, radius: 25);
        ImageField tall = ImageField.For("idx", 20, 28);

        float[] field = MnistImagePreprocessor.Load(Saved(image, ".png"), tall);

        Assert.That((tall.BoxWidth, tall.BoxHeight), Is.EqualTo((20, 20)), "20/28 of the longer side, cut to the field");
        (int width, int height) = Extent(field, 20, 28);
        Assert.That(height, Is.InRange(19, 20), "the digit is as tall as the training digits");
        Assert.That(width, Is.LessThanOrEqualTo(20));
    }

    [Test]
    public void AWideField_PlacesADigitAsTallAsItByItsMass_CuttingOffWhatFallsOutside()
    {
        // MNIST's rows 4..23 (20 high × 28 wide): a 7's mass sits high, so MNIST's centring pushed its box down and the
        // crop cut its foot off. Kept inside the field, a 20-pixel-tall 7 sat at the top, placed by its box instead.
        using var seven = new Image<Rgba32>(200, 200, new Rgba32(255, 255, 255));
        for (int y = 20; y < 180; y++)
        {
            for (int x = 40; x < 160; x++)
            {
                if (y < 60 || (x >= 130 && x < 150))
                {
                    seven[x, y] = new Rgba32(0, 0, 0);
                }
            }
        }

        ImageField wide = ImageField.For("idx", 28, 20);

        float[] field = MnistImagePreprocessor.Preprocess(seven, "seven", wide);

        Assert.That((wide.BoxWidth, wide.BoxHeight), Is.EqualTo((20, 20)));
        int firstRow = Enumerable.Range(0, 20).First(y => Enumerable.Range(0, 28).Any(x => field[(y * 28) + x] > 0.02f));
        Assert.That(firstRow, Is.GreaterThanOrEqualTo(3), "the bar holds most of the mass, so the 7 is pushed down");
        Assert.That(Enumerable.Range(0, 28).Any(x => field[(19 * 28) + x] > 0.02f), Is.True, "its stem runs off the bottom");
        (_, double cy) = MnistImagePreprocessor.CentreOfMass(field, 28, 20);
        Assert.That(cy, Is.LessThan(10.5), "what is left is centred no lower than the mass of the whole 7");
    }

    [Test]
    public void FashionMnistsField_IsFilledByTheLongerSide_AndCentredByTheBox()
    {
        using Image<Rgba32> image = DigitImages.Draw(300, 200, new Rgba32(255, 255, 255), new Rgba32(30, 30, 30), cx: 150, cy: 100, radius: 40);
        ImageField fashion = ImageField.For("fashion-mnist", 28, 28);

        float[] field = MnistImagePreprocessor.Load(Saved(image, ".png"), fashion);

        (int width, int height) = Extent(field, 28);
        Assert.That(Math.Max(width, height), Is.InRange(27, 28), "products fill the field, as Fashion-MNIST's do");
        Assert.That(MnistImagePreprocessor.Load(Saved(image, ".png")), Is.Not.EqualTo(field), "digits sit in a 20-pixel box instead");
    }

    private static (int Width, int Height) Extent(float[] field, int side) => Extent(field, side, side);

    private static (int Width, int Height) Extent(float[] field, int width, int height)
    {
        int left = width, right = -1, top = height, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (field[(y * width) + x] > 0.02f)
                {
                    (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        return (right - left + 1, bottom - top + 1);
    }

    [Test]
    public void LightDigitOnDarkBackground_GivesTheSameFieldAsItsNegative()
    {
        using Image<Rgba32> dark = DigitImages.Draw(120, 120, new Rgba32(0, 0, 0), new Rgba32(255, 255, 255), 50, 40, 15);
        using Image<Rgba32> light = DigitImages.Draw(120, 120, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 50, 40, 15);

        float[] fromDark = MnistImagePreprocessor.Preprocess(dark, "dark");
        float[] fromLight = MnistImagePreprocessor.Preprocess(light, "light");

        Assert.That(fromDark, Is.EqualTo(fromLight).Within(1e-3f));
    }

    [Test]
    public void AThinPenStrokeOnALargePage_ComesOutAtFullInk_AsMnistsStrokesAre()
    {
        // A 2-pixel ring on a 600-pixel page, shrunk about 15 times into the 20-pixel box: averaging alone leaves a faint smear.
        using var page = new Image<Rgba32>(600, 600, new Rgba32(255, 255, 255));
        for (int y = 0; y < 600; y++)
        {
            for (int x = 0; x < 600; x++)
            {
                double d = Math.Sqrt(((x - 300) * (x - 300)) + ((y - 300) * (y - 300)));
                if (Math.Abs(d - 150) < 1)
                {
                    page[x, y] = new Rgba32(0, 0, 0);
                }
            }
        }

        float[] field = MnistImagePreprocessor.Preprocess(page, "pen");

        Assert.That(field.Max(), Is.EqualTo(1f).Within(1e-6f));
        Assert.That(field.Count(v => v > 0.5f), Is.GreaterThan(20), "a ring of strokes, not a smear");
    }

    [Test]
    public void APenTraceShrunkToAOnePixelLine_IsWidenedToMnistsStrokeWidth()
    {
        // The 2-pixel ring below shrinks to a one-pixel circle of about 60 pixels; MNIST's strokes are two to three wide.
        using var page = new Image<Rgba32>(600, 600, new Rgba32(255, 255, 255));
        for (int y = 0; y < 600; y++)
        {
            for (int x = 0; x < 600; x++)
            {
                if (Math.Abs(Math.Sqrt(((x - 300) * (x - 300)) + ((y - 300) * (y - 300))) - 150) < 1)
                {
                    page[x, y] = new Rgba32(0, 0, 0);
                }
            }
        }

        float[] field = MnistImagePreprocessor.Preprocess(page, "pen");

        Assert.That(field.Count(v => v > 0.5f), Is.GreaterThan(2 * 60), "a ring two pixels wide at least");
    }

    // Each photo condition of the same digit against the digit in black ink on plain paper.
    [TestCase("desk", Description = "white paper on a grey-40 desk: the paper is not taken for one big stroke")]
    [TestCase("desk-shaded")]
    [TestCase("shade-left-right", Description = "white to grey-70: the shaded side is not taken for ink")]
    [TestCase("shade-top-bottom", Description = "white to grey-40")]
    public void APhotographedDigit_GivesTheFieldOfTheSameDigitOnPlainPaper(string condition)
    {
        byte[] digit = DigitImages.Mnist();
        using Image<Rgba32> photo = PhotoConditions.Render(condition, digit);
        using Image<Rgba32> plain = PhotoConditions.Render("grey-paper", digit);

        float[] field = MnistImagePreprocessor.Preprocess(photo, condition);

        Assert.That(MeanDifference(field, MnistImagePreprocessor.Preprocess(plain, "plain")), Is.LessThan(0.02));
    }

    [TestCase(200)]
    [TestCase(120)]
    [TestCase(100)]
    [TestCase(40)]
    public void BlackInkOnGreyPaper_IsReadAsStrokes_HoweverDarkThePaper(byte paper)
    {
        // Paper below mid-grey (a photo in dim light) used to be taken for a dark background, and the digit for blank.
        using Image<Rgba32> grey = DigitImages.Draw(120, 120, new Rgba32(paper, paper, paper), new Rgba32(0, 0, 0), 50, 40, 15);
        using Image<Rgba32> white = DigitImages.Draw(120, 120, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 50, 40, 15);

        Assert.That(MnistImagePreprocessor.Preprocess(grey, "grey"), Is.EqualTo(MnistImagePreprocessor.Preprocess(white, "white")).Within(1e-3f));
    }

    [TestCase(60)]
    [TestCase(140)]
    [TestCase(215)]
    public void WhiteInkOnGreyPaper_IsReadAsStrokes_HoweverLightThePaper(byte paper)
    {
        using Image<Rgba32> grey = DigitImages.Draw(120, 120, new Rgba32(paper, paper, paper), new Rgba32(255, 255, 255), 50, 40, 15);
        using Image<Rgba32> black = DigitImages.Draw(120, 120, new Rgba32(0, 0, 0), new Rgba32(255, 255, 255), 50, 40, 15);

        Assert.That(MnistImagePreprocessor.Preprocess(grey, "grey"), Is.EqualTo(MnistImagePreprocessor.Preprocess(black, "black")).Within(1e-3f));
    }

    [TestCase((ushort)3, RotateMode.Rotate180)]
    [TestCase((ushort)6, RotateMode.Rotate270)]
    [TestCase((ushort)8, RotateMode.Rotate90)]
    public void AJpegIsReadTheWayItsExifOrientationShowsIt(ushort orientation, RotateMode stored)
    {
        // A phone keeps the sensor's pixels and an orientation tag; every viewer shows the picture upright, and so must predict.
        using Image<Rgba32> upright = DigitImages.Draw(160, 160, new Rgba32(250, 250, 250), new Rgba32(10, 10, 10), 60, 45, 20);
        using Image<Rgba32> sensor = upright.Clone(c => c.Rotate(stored));
        float[] asStored = MnistImagePreprocessor.Preprocess(sensor, "sensor");
        sensor.Metadata.ExifProfile = new ExifProfile();
        sensor.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-exif-{Guid.NewGuid():N}.jpg");
        _files.Add(path);
        sensor.SaveAsJpeg(path, new JpegEncoder { Quality = 95 });

        float[] field = MnistImagePreprocessor.Load(path);
        float[] expected = MnistImagePreprocessor.Preprocess(upright, "upright");

        Assert.That(MeanDifference(asStored, expected), Is.GreaterThan(0.05), "the test image is not symmetric under the rotation");
        Assert.That(MeanDifference(field, expected), Is.LessThan(0.02), "read upright, as viewers show it");
    }

    private static double MeanDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();

    // The mean difference of two 28 × 28 fields, the first moved by up to a pixel each way to fit the second best: the
    // centre of mass of a digit whose pixels differ a little rounds to a neighbouring pixel.
    private static double ShiftedDifference(float[] a, float[] b)
    {
        double best = double.MaxValue;
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                double sum = 0;
                for (int y = 0; y < 28; y++)
                {
                    for (int x = 0; x < 28; x++)
                    {
                        int sx = x - dx, sy = y - dy;
                        float moved = sx is >= 0 and < 28 && sy is >= 0 and < 28 ? a[(sy * 28) + sx] : 0f;
                        sum += Math.Abs(moved - b[(y * 28) + x]);
                    }
                }

                best = Math.Min(best, sum / 784);
            }
        }

        return best;
    }

    [Test]
    public void TransparentBackground_CountsAsPaper()
    {
        using Image<Rgba32> image = DigitImages.Draw(80, 80, new Rgba32(0, 0, 0, 0), new Rgba32(0, 0, 0, 255), 40, 30, 12);

        float[] field = MnistImagePreprocessor.Load(Saved(image, ".png"));

        Assert.That(field.Max(), Is.GreaterThan(0.9f));
        Assert.That(field[0], Is.LessThan(0.02f));
    }

    // Sides: t(op), b(ottom), l(eft), r(ight). Lines at full ink or grey, some touching the digit.
    [TestCase("t", 0, 4)]
    [TestCase("l", 0, 4)]
    [TestCase("tb", 0, 4, Description = "two opposite sides: the border's mean was halfway, and the paper taken for ink")]
    [TestCase("lr", 0, 2)]
    [TestCase("tl", 0, 3)]
    [TestCase("tlr", 0, 4)]
    [TestCase("tb", 140, 3)]
    [TestCase("tblr", 0, 4, Description = "a frame the digit touches, which is no sheet with ink on it")]
    public void LinesAlongSomeSides_AreNoPartOfTheDigit(string sides, byte line, int thickness)
    {
        // The ring touches the top line (its top at row 4), the tail ends 4 rows above the bottom.
        using Image<Rgba32> plain = DigitImages.Draw(64, 64, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), cx: 32, cy: 12, radius: 8);
        using Image<Rgba32> lined = plain.Clone();
        var colour = new Rgba32(line, line, line);
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                bool along = (sides.Contains('t') && y < thickness) || (sides.Contains('b') && y >= 64 - thickness)
                    || (sides.Contains('l') && x < thickness) || (sides.Contains('r') && x >= 64 - thickness);
                if (along)
                {
                    lined[x, y] = colour;
                }
            }
        }

        PreparedImage prepared = MnistImagePreprocessor.Prepare(lined, "lined");

        Assert.That(MeanDifference(prepared.Pixels, MnistImagePreprocessor.Preprocess(plain, "plain")), Is.LessThan(0.01));
        Assert.That(prepared.Oddities, Is.Empty);
    }

    // A ruled line or a table's border on a scan rarely sits on the pixel edge: it starts a few pixels in, slants, has
    // gaps, or stops short of the corners. Kind: off N (N px of paper outside it), slant N (drifting N px along the side),
    // dash (4 on, 2 off), part (70 % of the side, from one end), at 5 % of the side in.
    [TestCase("off", 1, 64)]
    [TestCase("off", 3, 64)]
    [TestCase("off", 3, 40)]
    [TestCase("slant", 1, 64)]
    [TestCase("slant", 3, 200)]
    [TestCase("slant", 6, 100, Description = "its deepest rows at the side's end, past the middle the band is found in")]
    [TestCase("slant", 6, 200)]
    [TestCase("dash", 0, 64)]
    [TestCase("part", 0, 64)]
    [TestCase("off", 10, 200, Description = "5 % of the side in")]
    [TestCase("blurred", 0, 64, Description = "its outer pixels a light grey, as a scan's blur leaves them")]
    public void ALineNearASide_SlantedDashedOrShort_IsNoPartOfTheDigit(string kind, int n, int side)
    {
        using Image<Rgba32> plain = DigitImages.Draw(side, side, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), cx: side / 2, cy: side / 3, radius: side / 6);
        using Image<Rgba32> lined = plain.Clone();
        int thickness = Math.Max(2, side / 16);
        for (int a = 0; a < side; a++)
        {
            int offset = kind switch { "off" => n, "slant" => (int)Math.Round((double)n * a / (side - 1)), _ => 0 };
            bool drawn = kind switch { "dash" => a % 6 < 4, "part" => a < side * 7 / 10, _ => true };
            for (int d = offset; d < offset + thickness && drawn; d++)
            {
                var ink = kind == "blurred" && d == 0 ? new Rgba32(175, 175, 175) : new Rgba32(0, 0, 0);
                lined[a, d] = ink;
                lined[d, a] = ink;
            }
        }

        PreparedImage prepared = MnistImagePreprocessor.Prepare(lined, "lined");

        Assert.That(MeanDifference(prepared.Pixels, MnistImagePreprocessor.Preprocess(plain, "plain")), Is.LessThan(0.01));
    }

    [Test]
    public void AOneAlongTheSide_AllThePicturesInk_IsTheDigitNotALine()
    {
        using var image = new Image<Rgba32>(64, 64, new Rgba32(255, 255, 255));
        for (int y = 4; y < 60; y++)
        {
            for (int x = 2; x < 7; x++)
            {
                image[x, y] = new Rgba32(0, 0, 0);
            }
        }

        float[] field = MnistImagePreprocessor.Preprocess(image, "one");

        Assert.That(InkExtent(field).Height, Is.InRange(19, 20), "read as a 1 of full height, not refused as blank");
    }

    [Test]
    public void ABarNearTheTopThatRunsOnIntoTheDigit_IsKept()
    {
        // A typed 7 with a margin: its bar lies near the top like a ruled line a few pixels in, but it runs on into the
        // stem, where a line is apart from the digit.
        using var image = new Image<Rgba32>(400, 600, new Rgba32(255, 255, 255));
        for (int y = 10; y < 590; y++)
        {
            for (int x = 10; x < 390; x++)
            {
                if (y < 25 || Math.Abs(x - 200) < 15)
                {
                    image[x, y] = new Rgba32(0, 0, 0);
                }
            }
        }

        float[] field = MnistImagePreprocessor.Preprocess(image, "T");

        Assert.That(InkExtent(field).Height, Is.GreaterThanOrEqualTo(19), "the bar is kept: 20 px tall, not the stem alone");
        Assert.That(InkExtent(field).Width, Is.GreaterThan(10), "and as wide as the bar");
    }

    [Test]
    public void ABarAcrossTheTopOfADigitCroppedToItsStrokes_IsKept()
    {
        // A typed 7 or T cropped tightly: its bar runs along the whole top like a ruled line, but the stem reaches the
        // bottom edge, where a lined picture has paper.
        using var image = new Image<Rgba32>(40, 60, new Rgba32(255, 255, 255));
        for (int y = 0; y < 60; y++)
        {
            for (int x = 0; x < 40; x++)
            {
                if (y < 8 || Math.Abs(x - 20) < 4)
                {
                    image[x, y] = new Rgba32(0, 0, 0);
                }
            }
        }

        float[] field = MnistImagePreprocessor.Preprocess(image, "T");

        (int width, int height) = InkExtent(field);
        Assert.That((width, height), Is.EqualTo((14, 20)).Using<(int, int)>((a, b) => Math.Abs(a.Item1 - b.Item1) <= 1 && Math.Abs(a.Item2 - b.Item2) <= 1), "the bar is kept: the T is 40 × 60, so 13–14 × 20");
    }

    [TestCase(6)]
    [TestCase(10)]
    public void SensorNoise_IsNeitherInkNorUnevenLight(int sigma)
    {
        // Grey-225 paper with Gaussian noise of sigma grey levels, as a phone's sensor gives in dim light: its darkest
        // specks were ink that stretched the crop across the page, and its brightest pixels a misfit of the paper.
        using Image<Rgba32> clean = DigitImages.Draw(800, 600, new Rgba32(225, 225, 225), new Rgba32(30, 30, 30), cx: 400, cy: 250, radius: 60);
        using Image<Rgba32> noisy = clean.Clone();
        var random = new Random(1);
        for (int y = 0; y < 600; y++)
        {
            for (int x = 0; x < 800; x++)
            {
                double gauss = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                byte v = (byte)Math.Clamp(Math.Round(noisy[x, y].R + (sigma * gauss)), 0, 255);
                noisy[x, y] = new Rgba32(v, v, v);
            }
        }

        PreparedImage prepared = MnistImagePreprocessor.Prepare(noisy, "noisy");

        Assert.That(ShiftedDifference(prepared.Pixels, MnistImagePreprocessor.Preprocess(clean, "clean")), Is.LessThan(0.03), "the clean digit's field, placed a pixel apart at most");
        Assert.That(prepared.Oddities, Is.Empty);
    }

    [TestCase(255, 255, 255)]
    [TestCase(0, 0, 0)]
    public void LightStrokesOnATransparentBackground_ReadAsDarkStrokesOnOneDo(byte r, byte g, byte b)
    {
        // A drawing app's layer: white strokes on transparency, shown on dark by any viewer; as white on white paper they
        // were blank. The transparent pixels' own colour (often the strokes', sometimes black) is never seen.
        using Image<Rgba32> light = DigitImages.Draw(80, 80, new Rgba32(r, g, b, 0), new Rgba32(255, 255, 255, 255), 40, 30, 12);
        using Image<Rgba32> dark = DigitImages.Draw(80, 80, new Rgba32(0, 0, 0, 0), new Rgba32(0, 0, 0, 255), 40, 30, 12);

        float[] field = MnistImagePreprocessor.Load(Saved(light, ".png"));

        Assert.That(field, Is.EqualTo(MnistImagePreprocessor.Load(Saved(dark, ".png"))).Within(1e-3f));
    }

    [Test]
    public void BlankImage_IsRefused()
    {
        using var image = new Image<Rgba32>(40, 40, new Rgba32(255, 255, 255));

        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(Saved(image, ".png")));
        Assert.That(e!.Message, Does.Contain("looks blank"));
    }

    [Test]
    public void APhoto_IsPreparedWithOneFullSizeCopyOfItsPixels()
    {
        // A phone photo is 12 to 50 megapixels: its grey levels are one copy of 4 bytes a pixel; the decoded colour, its
        // opacity, the ink, a cut-off line's copies and a copy for the resize were five more, and a 4000 × 4000 photo took
        // 566 MB; the paper under the grey levels was one more until it was worked out where asked for. A line along the
        // side is drawn so the cut is made as well; the paper is shaded so it is a fitted surface, not one level. Three quarters
        // of a copy's worth is left for what is small beside it (the sheet's search at a lower scale, the noise's samples).
        const int width = 2000, height = 1600;
        using Image<Rgba32> image = DigitImages.Draw(width, height, new Rgba32(230, 230, 230), new Rgba32(20, 20, 20), cx: 1000, cy: 600, radius: 150);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<Rgba32> row = rows.GetRowSpan(y);
                for (int x = 8; x < width; x++)
                {
                    byte shaded = (byte)(row[x].R - (row[x].R * x / (4 * width)));
                    row[x] = new Rgba32(shaded, shaded, shaded);
                }

                row[..8].Fill(new Rgba32(0, 0, 0));
            }
        });
        using var encoded = new MemoryStream();
        image.SaveAsPng(encoded);
        encoded.Position = 0;

        long before = GC.GetAllocatedBytesForCurrentThread();
        PreparedImage prepared = MnistImagePreprocessor.Read(encoded, "photo");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(prepared.Pixels.Max(), Is.EqualTo(1f), "the digit is read");
        Assert.That(allocated, Is.LessThan(7L * width * height), $"bytes allocated while reading and preparing it ({allocated >> 20} MB)");
    }

    // A noisy grey photo of a digit on shaded paper, every grey level from black to white in it.
    private static Image<L8> GreyPhoto(int width, int height)
    {
        using Image<Rgba32> drawn = DigitImages.Draw(width, height, new Rgba32(235, 235, 235), new Rgba32(25, 25, 25), cx: width / 2, cy: height / 3, radius: height / 6);
        var grey = new Image<L8>(width, height);
        var random = new Random(3);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double level = (drawn[x, y].R * (1 - (0.3 * x / width))) + (8 * (random.NextDouble() - 0.5));
                grey[x, y] = new L8((byte)Math.Clamp(Math.Round(level), 0, 255));
            }
        }

        return grey;
    }

    private static byte[] Encoded(Image image, IImageEncoder encoder)
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    private static bool DecodesAsGrey(byte[] bytes) =>
        MnistImagePreprocessor.DecodesAsGrey(bytes, Image.DetectFormat(bytes), Image.Identify(bytes));

    // A tRNS chunk (one grey level transparent) put after a PNG's header chunk, with its CRC.
    private static byte[] WithTransparentLevel(byte[] png, byte level)
    {
        byte[] chunk = [0, 0, 0, 2, .. "tRNS"u8, 0, level, 0, 0, 0, 0];
        uint crc = 0xFFFFFFFF;
        foreach (byte b in chunk.AsSpan(4, 6))
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320 & (uint)-(int)(crc & 1));
            }
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(10), ~crc);
        return [.. png[..33], .. chunk, .. png[33..]];
    }

    [Test]
    public void AGreyPicture_IsDecodedAtOneBytePerPixel_AndReadsAsItsColourDecodingDoes()
    {
        // A grey 4000 × 4000 photo decoded as colour took 64 MB beside the 64 MB of grey levels made from it; at a byte a
        // pixel it takes 16. Its reading must not change: the same grey levels, to the bit, as its colour decoding gives.
        using Image<L8> photo = GreyPhoto(320, 240);
        byte[][] grey =
        [
            Encoded(photo, new PngEncoder { ColorType = PngColorType.Grayscale }),
            Encoded(photo, new JpegEncoder { ColorType = JpegColorType.Luminance, Quality = 85 }),
            Encoded(photo, new PbmEncoder { ColorType = PbmColorType.Grayscale, Encoding = PbmEncoding.Binary }),
        ];

        foreach (byte[] bytes in grey)
        {
            Assert.That(DecodesAsGrey(bytes), Is.True, Image.DetectFormat(bytes).Name);
            using Image<Rgba32> colour = Image.Load<Rgba32>(bytes);
            Assert.That(MnistImagePreprocessor.Read(new MemoryStream(bytes), "grey").Pixels, Is.EqualTo(MnistImagePreprocessor.Preprocess(colour, "colour")), Image.DetectFormat(bytes).Name);
        }
    }

    [Test]
    public void APictureWithColourTransparencyOrSixteenBitGrey_IsDecodedAsColour()
    {
        using Image<L8> photo = GreyPhoto(120, 90);
        using Image<Rgba32> colour = photo.CloneAs<Rgba32>();
        byte[] greyPng = Encoded(photo, new PngEncoder { ColorType = PngColorType.Grayscale });
        byte[] transparent = WithTransparentLevel(greyPng, photo[0, 0].PackedValue);

        Assert.That(DecodesAsGrey(Encoded(colour, new PngEncoder { ColorType = PngColorType.Rgb })), Is.False, "an RGB PNG");
        Assert.That(DecodesAsGrey(Encoded(colour, new JpegEncoder { ColorType = JpegColorType.YCbCrRatio420 })), Is.False, "a colour JPEG");
        Assert.That(DecodesAsGrey(Encoded(photo, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 })), Is.False, "a 16-bit grey PNG");
        Assert.That(DecodesAsGrey(transparent), Is.False, "a grey PNG with a transparent level");
        using Image<Rgba32> decoded = Image.Load<Rgba32>(transparent);
        Assert.That(decoded[0, 0].A, Is.Zero, "the transparent level is transparent as colour");
    }

    [Test]
    public void ALargePicture_LeavesNoFullSizeGarbageBehind()
    {
        // A folder of five 4000 × 4000 grey photos held 509 MB: the grey levels of each photo before it stayed as garbage
        // until the collector came round to it. Counted without a collection: what is still allocated after the read.
        const int width = 2200, height = 2000;
        using Image<L8> photo = GreyPhoto(width, height);
        byte[] bytes = Encoded(photo, new PngEncoder { ColorType = PngColorType.Grayscale });

        long before = GC.GetTotalMemory(forceFullCollection: true);
        PreparedImage prepared = MnistImagePreprocessor.Read(new MemoryStream(bytes), "photo");
        long left = GC.GetTotalMemory(forceFullCollection: false) - before;

        Assert.That(prepared.Pixels.Max(), Is.EqualTo(1f), "the digit is read");
        Assert.That(left, Is.LessThan(2L * width * height), $"bytes still allocated after the read ({left >> 20} MB; the grey levels are {(4L * width * height) >> 20} MB)");
    }

    [TestCase(true, true, false, false, "lines along its top and bottom")]
    [TestCase(true, true, true, false, "lines along its top, bottom and left")]
    [TestCase(true, true, true, true, "lines along its top, bottom, left and right")]
    public void LinesAlongTheSidesAroundNothing_AreNamedAsAllTheInk(bool top, bool bottom, bool left, bool right, string named)
    {
        // A blank form or an empty frame: the lines are cut off as ruled lines, and "no stroke stands out" alone sent the
        // user looking at a picture with plain black lines on it.
        using var image = new Image<Rgba32>(64, 64, new Rgba32(255, 255, 255));
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                if ((top && y < 4) || (bottom && y >= 60) || (left && x < 4) || (right && x >= 60))
                {
                    image[x, y] = new Rgba32(0, 0, 0);
                }
            }
        }

        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(Saved(image, ".png")));

        Assert.That(e!.Message, Does.Contain($"looks blank: its only ink is {named}, which are cut off as ruled lines or a frame, and no stroke stands out inside; crop the picture to the digit"));
        Assert.That(e.Blank, Is.True);
    }

    [Test]
    public void AnAnimationWhoseFirstFrameIsBlank_SaysOnlyTheFirstFrameOfHowManyIsRead()
    {
        // The digit is on frame 2: "looks blank" alone sent the user looking at a picture that shows a digit.
        using Image<Rgba32> image = new(40, 40, new Rgba32(255, 255, 255));
        using Image<Rgba32> digit = DigitImages.Draw(40, 40, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 20, 20, 8);
        image.Frames.AddFrame(digit.Frames.RootFrame);

        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(Saved(image, ".gif")));

        Assert.That(e!.Message, Does.Contain("looks blank in its first frame (of 2), and only the first frame is read"));
    }

    [Test]
    public void AsIs_OnDarkInkOnLightPaper_NamesLeavingOutAsIs()
    {
        // --as-is takes light ink on dark; a drawing on paper was read inverted, and the hint spoke of cropping and light.
        using Image<Rgba32> paper = DigitImages.Draw(28, 28, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 14, 14, 6);
        using Image<Rgba32> idx = DigitImages.Draw(28, 28, new Rgba32(0, 0, 0), new Rgba32(255, 255, 255), 14, 14, 6);

        PreparedImage onPaper = MnistImagePreprocessor.ReadAsIs(Saved(paper, ".png"), ImageField.Mnist);
        PreparedImage asStored = MnistImagePreprocessor.ReadAsIs(Saved(idx, ".png"), ImageField.Mnist);

        Assert.That(onPaper.Oddities.Select(o => o.Advice), Has.Some.Contains("leave out --as-is"));
        Assert.That(asStored.Oddities, Is.Empty, "light ink on dark is what --as-is is for");
    }

    [Test]
    public void NonImageFile_IsRefusedInOneLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-not-image-{Guid.NewGuid():N}.png");
        _files.Add(path);
        File.WriteAllText(path, "this is text, not a PNG");

        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(path));
        Assert.That(e!.Message, Does.Contain("is not a readable image").And.Not.Contain("\n"));
    }

    [Test]
    public void NonImageFile_IsRefusedNamingTheFormatsRead()
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-not-image-{Guid.NewGuid():N}.png");
        _files.Add(path);
        File.WriteAllText(path, "this is text, not a PNG");

        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(path));
        Assert.That(e!.Message, Does.Contain("give a PNG, JPEG, GIF (its first frame), BMP"), "not only PNG or JPEG: GIF and BMP are read as well");
    }

    [Test]
    public void WebPImage_IsRefusedSayingWebPIsNotReadAndHowToConvertIt()
    {
        // WebP is left out on purpose (see MnistImagePreprocessor.CreateDecoding); "give a PNG or JPEG" said nothing of why.
        using var image = new Image<Rgba32>(28, 28, new Rgba32(255, 255, 255));
        string path = Saved(image, ".webp");

        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load(path));
        Assert.That(e!.Message, Does.Contain("is a WebP image, which is not read; convert it to PNG").And.Not.Contain("\n"));
    }

    [Test]
    public void MissingFile_IsNamed()
    {
        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load("/nonexistent/seven.png"));
        Assert.That(e!.Message, Does.Contain("/nonexistent/seven.png does not exist"));
    }

    [Test]
    public void OnlyTheFirstFrameOfAnAnimationIsDecoded()
    {
        // 40 frames of 400×400: every frame decoded is 25.6 MB of pixels, the first alone 0.64 MB.
        string gif = Path.Combine(Path.GetTempPath(), $"scratchnet-anim-{Guid.NewGuid():N}.gif");
        try
        {
            using (Image<Rgba32> image = DigitImages.Draw(400, 400, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 200, 200, 60))
            {
                for (int i = 1; i < 40; i++)
                {
                    using Image<Rgba32> frame = DigitImages.Draw(400, 400, new Rgba32(255, 255, 255), new Rgba32(0, 0, 0), 100 + i, 200, 30);
                    image.Frames.AddFrame(frame.Frames.RootFrame);
                }

                image.SaveAsGif(gif);
            }

            using (Image all = Image.Load(gif))
            {
                Assert.That(all.Frames, Has.Count.EqualTo(40), "the file really holds 40 frames");
            }

            using (Image first = Image.Load(MnistImagePreprocessor.Decoding, gif))
            {
                Assert.That(first.Frames, Has.Count.EqualTo(1), "the decoder predict uses stops after the first");
            }

            Assert.That(MnistImagePreprocessor.Load(gif), Has.Length.EqualTo(784));
        }
        finally
        {
            File.Delete(gif);
        }
    }

    [Test]
    public void ADeviceOrAPipeIsRefusedAsAnImageWithoutReadingIt()
    {
        var e = Assert.Throws<InputImageException>(() => MnistImagePreprocessor.Load("/dev/urandom"));
        Assert.That(e!.Message, Does.Contain("/dev/urandom is a character device, not a regular file"));
    }
}
