using SkiaSharp;

namespace ScratchNet.Host.Reports;

/// <summary>How a sheet of weight tiles is laid out: groups (a hidden unit, a filter) of tiles (one per input channel), each tile a grid of cells.</summary>
/// <param name="Groups">Groups drawn.</param>
/// <param name="TilesPerGroup">Tiles side by side in a group, 2 pixels apart.</param>
/// <param name="CellRows">Cells down a tile.</param>
/// <param name="CellColumns">Cells across a tile.</param>
/// <param name="Scale">Pixels per cell side.</param>
/// <param name="GroupsPerRow">Groups across the sheet.</param>
/// <param name="Gap">Pixels between groups.</param>
internal sealed record TileLayout(int Groups, int TilesPerGroup, int CellRows, int CellColumns, int Scale, int GroupsPerRow, int Gap);

/// <summary>
/// Draws weights as tiles of coloured cells, white at 0, towards ColorBrewer's RdBu ends: red (+1) or blue (−1), under a
/// one-line title (the sheet is made wide enough for it): the picture of <see cref="FirstLayerWeights"/> and <see cref="ConvolutionFilters"/>.
/// </summary>
internal static class WeightTiles
{
    private const int Shades = 8;
    private const int Header = 30;
    private const int Padding = 8;
    private const int TileGap = 2;

    /// <param name="value">value(group, tile, row, column): the cell's weight, already scaled to [−1, 1].</param>
    public static byte[] Draw(string title, TileLayout layout, Func<int, int, int, int, float> value)
    {
        int tileWidth = layout.CellColumns * layout.Scale, tileHeight = layout.CellRows * layout.Scale;
        int groupWidth = (layout.TilesPerGroup * tileWidth) + ((layout.TilesPerGroup - 1) * TileGap);
        int rows = (layout.Groups + layout.GroupsPerRow - 1) / layout.GroupsPerRow;
        using SKTypeface typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 13);

        // As wide as the tiles or the title, whichever is wider.
        int width = (Padding * 2) + Math.Max((layout.GroupsPerRow * (groupWidth + layout.Gap)) - layout.Gap, (int)Math.Ceiling(font.MeasureText(title)));
        int height = Header + (Padding * 2) + (rows * (tileHeight + layout.Gap)) - layout.Gap;
        int Left(int group, int tile) => Padding + (group % layout.GroupsPerRow * (groupWidth + layout.Gap)) + (tile * (tileWidth + TileGap));
        int Top(int group) => Header + Padding + (group / layout.GroupsPerRow * (tileHeight + layout.Gap));

        // Opaque RGBA, so the tiles can be written straight into the pixel memory (a rectangle per weight costs
        // ~100,000 draw calls) and the PNG is encoded as RGB.
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            canvas.DrawText(title, Padding, 20, SKTextAlign.Left, font, ink);
            using var frame = new SKPaint { Color = SKColors.LightGray, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
            for (int group = 0; group < layout.Groups; group++)
            {
                for (int tile = 0; tile < layout.TilesPerGroup; tile++)
                {
                    canvas.DrawRect(Left(group, tile) - 0.5f, Top(group) - 0.5f, tileWidth + 1, tileHeight + 1, frame);
                }
            }
        }

        Span<byte> rgba = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        for (int group = 0; group < layout.Groups; group++)
        {
            for (int tile = 0; tile < layout.TilesPerGroup; tile++)
            {
                for (int y = 0; y < tileHeight; y++)
                {
                    Span<byte> row = rgba.Slice(((Top(group) + y) * stride) + (Left(group, tile) * 4), tileWidth * 4);
                    for (int x = 0; x < tileWidth; x++)
                    {
                        SKColor colour = Diverging(value(group, tile, y / layout.Scale, x / layout.Scale));
                        row[(x * 4) + 0] = colour.Red;
                        row[(x * 4) + 1] = colour.Green;
                        row[(x * 4) + 2] = colour.Blue;
                        row[(x * 4) + 3] = 255;
                    }
                }
            }
        }

        return PngEncoding.Encode(bitmap);
    }

    /// <summary>The largest |w| of each group, so each can be scaled to its own (0 for a group of zeros).</summary>
    public static float Largest(ReadOnlySpan<float> values)
    {
        float largest = 0;
        foreach (float v in values)
        {
            largest = Math.Max(largest, Math.Abs(v));
        }

        return largest;
    }

    // v in [−1, 1]: white at 0, towards ColorBrewer's RdBu ends: red (+1) or blue (−1). Eight shades a side,
    // fewer than the eye tells apart in a 2-pixel square, keep the PNG (one per epoch in TensorBoard) small.
    private static SKColor Diverging(float v)
    {
        float t = MathF.Round(Math.Clamp(Math.Abs(v), 0f, 1f) * Shades) / Shades;
        (int r, int g, int b) = v >= 0 ? (202, 0, 32) : (5, 113, 176);
        return new SKColor(Towards(r, t), Towards(g, t), Towards(b, t));
    }

    private static byte Towards(int end, float t) => (byte)Math.Round(255 + ((end - 255) * t));
}
