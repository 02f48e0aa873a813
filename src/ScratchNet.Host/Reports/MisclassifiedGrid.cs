using System.Globalization;
using SkiaSharp;
using ScratchNet.Training.Reports;

namespace ScratchNet.Host.Reports;

/// <summary>
/// Draws the most confidently misclassified images as a grid, each captioned "true → predicted", the
/// probability given to the wrong class, and where the image is (its row, and its place in the data files when known). Drawn with SkiaSharp (ScottPlot's renderer) directly: a grid of
/// small images with captions is simpler as a canvas than as a chart.
/// </summary>
public static class MisclassifiedGrid
{
    private const int Scale = 4;
    private const int Columns = 5;
    private const int CaptionHeight = 48;
    private const int Padding = 8;

    /// <param name="features">The split's features, (rows, height × width) in [0, 1].</param>
    /// <param name="height">Image height in pixels (28 for MNIST).</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="heldOut">What the rows are, "validation" or "test", for the title.</param>
    /// <param name="origin">A row's place in the data files (<c>t10k-images[1234]</c>; see <c>DataSplit.Origin</c>), or null when unknown.</param>
    public static byte[] Draw(ReadOnlySpan<float> features, int height, int width, IReadOnlyList<Misclassification> items, IReadOnlyList<string> classNames, string heldOut = "validation", Func<int, string?>? origin = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        int pixels = height * width;
        int imageWidth = width * Scale;
        int imageHeight = height * Scale;
        int cellWidth = Math.Max(imageWidth, 150) + Padding;
        int cellHeight = imageHeight + CaptionHeight + Padding;
        int rows = Math.Max(1, (items.Count + Columns - 1) / Columns);
        const int header = 30;

        using var bitmap = new SKBitmap(Columns * cellWidth + Padding, header + rows * cellHeight + Padding);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using SKTypeface typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var titleFont = new SKFont(typeface, 16);
        using var font = new SKFont(typeface, 12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var wrongInk = new SKPaint { Color = new SKColor(0xB0, 0x00, 0x20), IsAntialias = true };
        string title = items.Count == 0 ? $"No misclassified {heldOut} rows" : $"The {items.Count} most confident {heldOut} mistakes (true → predicted, p of the prediction)";
        canvas.DrawText(title, Padding, 20, SKTextAlign.Left, titleFont, ink);

        for (int i = 0; i < items.Count; i++)
        {
            Misclassification item = items[i];
            int left = Padding + (i % Columns * cellWidth);
            int top = header + (i / Columns * cellHeight);
            int imageLeft = left + ((cellWidth - Padding - imageWidth) / 2);
            DigitTile.Draw(canvas, features.Slice(item.Row * pixels, pixels), height, width, imageLeft, top, Scale);
            string caption = $"{classNames[item.Label]} → {classNames[item.Predicted]}";
            // The official test split is the test file itself: its row and its place there are one number, said once.
            string? place = origin?.Invoke(item.Row);
            string row = place is not null && place.EndsWith(string.Create(CultureInfo.InvariantCulture, $"[{item.Row}]"), StringComparison.Ordinal) ? string.Empty : $" row {item.Row}";
            string probability = $"p={item.Confidence.ToString("F2", CultureInfo.InvariantCulture)}{row}";
            float centre = left + ((cellWidth - Padding) / 2f);
            canvas.DrawText(caption, centre, top + imageHeight + 14, SKTextAlign.Center, font, wrongInk);
            canvas.DrawText(probability, centre, top + imageHeight + 28, SKTextAlign.Center, font, ink);
            if (place is not null)
            {
                canvas.DrawText(place, centre, top + imageHeight + 42, SKTextAlign.Center, font, ink);
            }
        }

        return PngEncoding.Encode(bitmap);
    }
}
