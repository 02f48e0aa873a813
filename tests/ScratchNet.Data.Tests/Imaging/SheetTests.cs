using ScratchNet.Data.Imaging;
using SixLabors.ImageSharp;

namespace ScratchNet.Data.Tests.Imaging;

public sealed class SheetTests
{
    private static float[] Grey(byte[] mnist, int side = 28) => [.. mnist.Take(side * side).Select(v => v / 255f)];

    // White paper (a digit's box of `sheet` pixels, black ink) at (left, top) on a grey-40 desk, optionally turned by `degrees`.
    private static float[] OnDesk(int width, int height, int left, int top, int sheet, double degrees = 0)
    {
        var grey = new float[width * height];
        double cx = left + (sheet / 2.0), cy = top + (sheet / 2.0), c = Math.Cos(degrees * Math.PI / 180), s = Math.Sin(degrees * Math.PI / 180);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                // The pixel in the sheet's own coordinates.
                double u = ((x - cx) * c) + ((y - cy) * s) + (sheet / 2.0), v = ((y - cy) * c) - ((x - cx) * s) + (sheet / 2.0);
                bool onSheet = u >= 0 && u < sheet && v >= 0 && v < sheet;
                bool ink = onSheet && Math.Abs(Math.Sqrt(((u - (sheet / 2.0)) * (u - (sheet / 2.0))) + ((v - (sheet / 2.0)) * (v - (sheet / 2.0)))) - (sheet / 4.0)) < sheet / 16.0;
                grey[(y * width) + x] = ink ? 0f : onSheet ? 1f : 40 / 255f;
            }
        }

        return grey;
    }

    [Test]
    public void ASheetOnADesk_IsFound_WithItsBoxAndPaper()
    {
        Sheet.Region? sheet = Sheet.Find(OnDesk(200, 160, left: 50, top: 30, sheet: 100), 200, 160);

        Assert.That(sheet, Is.Not.Null);
        Assert.That(sheet!.Box, Is.EqualTo(new Rectangle(50, 30, 100, 100)));
        Assert.That(sheet.Paper, Is.EqualTo(1f));
        Assert.That(sheet.OffSheet[0], Is.True, "the rim along the sheet's edge is set aside with the desk");
        Assert.That(sheet.OffSheet[(50 * 100) + 50], Is.False);
    }

    [Test]
    public void ASheetInALargePhoto_IsFoundInASmallerCopy_AndItsBoxScaledBack()
    {
        // 1,500 pixels across: looked for at a third of the size, so the box is right to within 3 pixels.
        Sheet.Region? sheet = Sheet.Find(OnDesk(1500, 1000, left: 400, top: 200, sheet: 600), 1500, 1000);

        Assert.That(sheet, Is.Not.Null);
        Assert.That(new[] { sheet!.Box.Left - 400, sheet.Box.Top - 200, sheet.Box.Right - 1000, sheet.Box.Bottom - 800 }, Is.All.InRange(-3, 3));
        Assert.That(sheet.OffSheet, Has.Length.EqualTo(sheet.Box.Width * sheet.Box.Height));
        Assert.That(sheet.OffSheet[(300 * sheet.Box.Width) + 300], Is.False, "the sheet's middle is on it");
        Assert.That(sheet.OffSheet[0], Is.True);
    }

    [Test]
    public void ASheetLyingAtAnAngle_IsFoundToo()
    {
        Assert.That(Sheet.Find(OnDesk(240, 240, left: 60, top: 60, sheet: 120, degrees: 20), 240, 240), Is.Not.Null);
    }

    [Test]
    public void NoDesk_NoSheet()
    {
        // Paper reaching the frame: the frame shows the surface the digit lies on.
        Assert.That(Sheet.Find(OnDesk(100, 100, left: 0, top: 0, sheet: 100), 100, 100), Is.Null);
    }

    [TestCase(0)]
    [TestCase(8)]
    public void ADigitDrawnLightOnDark_IsNoSheet(int blob)
    {
        // MNIST's own images: the black background encloses the digit, as a desk encloses a sheet, but a digit is no rectangle.
        byte[] mnist = blob == 0 ? Ring() : DigitImages.Mnist();

        Assert.That(Sheet.Find(Grey(mnist), 28, 28), Is.Null);
    }

    // A bold 0: a thick ellipse ring, white on black.
    private static byte[] Ring()
    {
        var pixels = new byte[28 * 28];
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 28; x++)
            {
                double r = Math.Sqrt((((x - 13.5) / 7) * ((x - 13.5) / 7)) + (((y - 13.5) / 10) * ((y - 13.5) / 10)));
                pixels[(y * 28) + x] = r is > 0.55 and < 1 ? (byte)255 : (byte)0;
            }
        }

        return pixels;
    }
}
