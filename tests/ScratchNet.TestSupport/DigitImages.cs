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

    public static string Save(Image image, string extension)
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchnet-digit-{Guid.NewGuid():N}{extension}");
        image.Save(path);
        return path;
    }
}
