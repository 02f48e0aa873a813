using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ScratchNet.TestSupport;

/// <summary>Draws digit-like test images: a thick ring with a tail (a '9'-ish blob) somewhere off-centre.</summary>
public static class DigitImages
{
    public static Image<Rgba32> Draw(int width, int height, Rgba32 paper, Rgba32 ink, int cx, int cy, int radius)
    {
        var image = new Image<Rgba32>(width, height, paper);
        int thickness = Math.Max(2, radius / 3);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double d = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                bool ring = Math.Abs(d - radius) < thickness / 2.0;
                bool tail = x >= cx + radius - thickness && x <= cx + radius && y >= cy && y <= cy + (3 * radius);
                if (ring || tail)
                {
                    image[x, y] = ink;
                }
            }
        }

        return image;
    }

    /// <summary>
    /// The blob as a 28 × 28 MNIST-layout image (ink high, 0–255, row-major), inside the 20-pixel box with a 4-pixel margin
    /// as MNIST's digits are, for <see cref="PhotoConditions"/>.
    /// </summary>
    public static byte[] Mnist()
    {
        using Image<Rgba32> image = Draw(28, 28, new Rgba32(0, 0, 0), new Rgba32(255, 255, 255), cx: 12, cy: 9, radius: 5);
        var pixels = new byte[28 * 28];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = image[i % 28, i / 28].R;
        }

        return pixels;
    }

    public static string Save(Image image, string extension)
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-digit-{Guid.NewGuid():N}{extension}");
        image.Save(path);
        return path;
    }
}
