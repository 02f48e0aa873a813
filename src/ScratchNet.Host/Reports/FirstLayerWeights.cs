using System.Globalization;
using SkiaSharp;
using ScratchNet.Core.Layers;

namespace ScratchNet.Host.Reports;

/// <summary>
/// The first dense layer's incoming weights as images: one side × side tile per hidden unit, red where a
/// pixel pushes the unit up, blue where it pushes it down, white at 0. Each tile is scaled to its own largest
/// |w|, so every unit's pattern shows however large its weights are. Drawn with SkiaSharp, as
/// <see cref="MisclassifiedGrid"/> is.
/// </summary>
public static class FirstLayerWeights
{
    /// <summary>More units than this are not drawn (the picture stays readable); the title says how many are shown.</summary>
    public const int MaxUnits = 256;

    private const int Scale = 2;
    private const int Shades = 8;
    private const int Gap = 4;
    private const int Header = 30;
    private const int Padding = 8;

    /// <summary>
    /// The first dense layer, when its inputs are the image's pixels (only flatten or dropout before it, not a
    /// convolution's features) and form a square; otherwise null.
    /// </summary>
    public static Dense? Find(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Dense? first = network.Layers.OfType<Dense>().FirstOrDefault();
        bool seesPixels = network.Layers.TakeWhile(l => l is not Dense).All(l => l is Flatten or Dropout);
        return first is not null && seesPixels && SquareImage.Side(first.InputSize) > 0 ? first : null;
    }

    /// <summary>Draws the first dense layer's weights as PNG bytes.</summary>
    /// <exception cref="InvalidOperationException">The network has no dense layer, or its inputs are not a square image.</exception>
    public static byte[] Draw(Sequential network)
    {
        Dense layer = Find(network)
            ?? throw new InvalidOperationException("the first layer's inputs are not a square image, so its weights cannot be drawn as one");
        return Draw(layer.Weight.Value, layer.InputSize, layer.OutputSize);
    }

    // w: (inputs, units) row-major, inputs = side × side
    public static byte[] Draw(ReadOnlySpan<float> w, int inputs, int units)
    {
        int side = SquareImage.Side(inputs);
        if (side == 0)
        {
            throw new ArgumentException($"{inputs} inputs are not a square image", nameof(inputs));
        }

        if (w.Length < inputs * units)
        {
            throw new ArgumentException($"w has {w.Length} values, but {inputs} inputs × {units} units need {inputs * units}", nameof(w));
        }

        int shown = Math.Min(units, MaxUnits);
        int columns = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(shown * 2.0)));
        int rows = (shown + columns - 1) / columns;
        int tile = side * Scale;
        int width = Math.Max((Padding * 2) + (columns * (tile + Gap)) - Gap, 560);
        int height = Header + (Padding * 2) + (rows * (tile + Gap)) - Gap;

        // Opaque RGBA, so the tiles can be written straight into the pixel memory (a rectangle per weight costs
        // ~100,000 draw calls) and the PNG is encoded as RGB.
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using SKTypeface typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
            using var font = new SKFont(typeface, 13);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            string which = shown == units
                ? units.ToString(CultureInfo.InvariantCulture)
                : $"first {shown} of {units.ToString(CultureInfo.InvariantCulture)}";
            canvas.DrawText($"First layer: incoming weights of each hidden unit ({which}); red +, blue −, each tile scaled to its largest |w|", Padding, 20, SKTextAlign.Left, font, ink);
            using var frame = new SKPaint { Color = SKColors.LightGray, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
            for (int unit = 0; unit < shown; unit++)
            {
                canvas.DrawRect(Left(unit) - 0.5f, Top(unit) - 0.5f, tile + 1, tile + 1, frame);
            }
        }

        Span<byte> rgba = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        for (int unit = 0; unit < shown; unit++)
        {
            float largest = 0;
            for (int i = 0; i < inputs; i++)
            {
                largest = Math.Max(largest, Math.Abs(w[(i * units) + unit]));
            }

            for (int y = 0; y < tile; y++)
            {
                Span<byte> row = rgba.Slice(((Top(unit) + y) * stride) + (Left(unit) * 4), tile * 4);
                for (int x = 0; x < tile; x++)
                {
                    float v = largest == 0 ? 0 : w[((((y / Scale) * side) + (x / Scale)) * units) + unit] / largest;
                    SKColor colour = Diverging(v);
                    row[(x * 4) + 0] = colour.Red;
                    row[(x * 4) + 1] = colour.Green;
                    row[(x * 4) + 2] = colour.Blue;
                    row[(x * 4) + 3] = 255;
                }
            }
        }

        int Left(int unit) => Padding + (unit % columns * (tile + Gap));
        int Top(int unit) => Header + Padding + (unit / columns * (tile + Gap));

        return PngEncoding.Encode(bitmap);
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
