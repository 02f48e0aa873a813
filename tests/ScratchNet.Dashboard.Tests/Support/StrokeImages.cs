using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace ScratchNet.Dashboard.Tests.Support;

/// <summary>PNG files of one pen stroke, black on white, as the drawing canvas sends them.</summary>
internal static class StrokeImages
{
    public static byte[] Vertical(int size = 280) => Png(size, (x, y) => Math.Abs(x - (size / 2)) < 9 && y > size / 6 && y < size * 5 / 6);

    public static byte[] Horizontal(int size = 280) => Png(size, (x, y) => Math.Abs(y - (size / 2)) < 9 && x > size / 6 && x < size * 5 / 6);

    public static byte[] Png(int size, Func<int, int, bool> ink) => Png(size, size, ink);

    public static byte[] Png(int width, int height, Func<int, int, bool> ink)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(255, 255, 255));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (ink(x, y))
                {
                    image[x, y] = new Rgba32(0, 0, 0);
                }
            }
        }

        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder());
        return stream.ToArray();
    }
}
