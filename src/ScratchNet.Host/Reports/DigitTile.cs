using SkiaSharp;

namespace ScratchNet.Host.Reports;

/// <summary>Draws one grayscale image onto a report canvas, a square of <c>scale</c> × <c>scale</c> device pixels per image pixel.</summary>
public static class DigitTile
{
    // pixels: (height, width) in [0, 1]
    public static void Draw(SKCanvas canvas, ReadOnlySpan<float> pixels, int height, int width, float left, float top, int scale)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        using var pixel = new SKPaint { IsAntialias = false };
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                // Dark ink on white paper reads better in a report than MNIST's white-on-black.
                byte gray = (byte)Math.Round(255 * (1 - Math.Clamp(pixels[(y * width) + x], 0f, 1f)));
                pixel.Color = new SKColor(gray, gray, gray);
                canvas.DrawRect(left + (x * scale), top + (y * scale), scale, scale, pixel);
            }
        }

        using var frame = new SKPaint { Color = SKColors.LightGray, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(left, top, width * scale, height * scale, frame);
    }
}
