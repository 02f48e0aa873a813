using System.Globalization;
using SkiaSharp;
using ScratchNet.Core.Layers;

namespace ScratchNet.Host.Reports;

/// <summary>
/// The first convolution's filters as images: one kH × kW tile per filter and input channel (a row of C tiles per filter
/// when the images have several channels), each weight a square of pixels, red where it pushes the filter's output up,
/// blue where down, white at 0. Each filter is scaled to its own largest |w|, as <see cref="FirstLayerWeights"/> scales
/// each unit. Its weights are read in PyTorch's layout, (out, in, kH, kW).
/// </summary>
public static class ConvolutionFilters
{
    /// <summary>More filters than this are not drawn (the picture stays readable); the title says how many are shown.</summary>
    public const int MaxFilters = 256;

    private const int FiltersPerRow = 8;
    private const int TileTarget = 40;
    private const int Gap = 6;
    private const int Header = 30;
    private const int Padding = 8;

    /// <summary>The network's first convolution, or null when it has none.</summary>
    public static Conv2D? Find(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Layers.OfType<Conv2D>().FirstOrDefault();
    }

    /// <summary>Draws the first convolution's filters as PNG bytes.</summary>
    /// <exception cref="InvalidOperationException">The network has no convolution.</exception>
    public static byte[] Draw(Sequential network)
    {
        Conv2D conv = Find(network) ?? throw new InvalidOperationException("the network has no convolution, so it has no filters to draw");
        return Draw(conv.Weight.Value, conv.OutChannels, conv.InChannels, conv.KernelHeight, conv.KernelWidth, conv.Name);
    }

    // w: (filters, channels, kH, kW) row-major
    public static byte[] Draw(ReadOnlySpan<float> w, int filters, int channels, int kernelHeight, int kernelWidth, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        int patch = channels * kernelHeight * kernelWidth;
        if (w.Length < filters * patch)
        {
            throw new ArgumentException($"w has {w.Length} values, but {filters} filters of {channels} × {kernelHeight} × {kernelWidth} need {filters * patch}", nameof(w));
        }

        int shown = Math.Min(filters, MaxFilters);

        // A weight is a square of `scale` pixels, so a 3 × 3 filter is a 39-pixel tile and a 5 × 5 one 40.
        int scale = Math.Max(2, TileTarget / Math.Max(kernelHeight, kernelWidth));
        int tileWidth = kernelWidth * scale, tileHeight = kernelHeight * scale;
        int filterWidth = (channels * tileWidth) + ((channels - 1) * 2);
        int columns = Math.Min(shown, Math.Max(1, FiltersPerRow / Math.Min(channels, FiltersPerRow)));
        int rows = (shown + columns - 1) / columns;
        int width = Math.Max((Padding * 2) + (columns * (filterWidth + Gap)) - Gap, 620);
        int height = Header + (Padding * 2) + (rows * (tileHeight + Gap)) - Gap;

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using SKTypeface typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
            using var font = new SKFont(typeface, 13);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            string which = shown == filters ? filters.ToString(CultureInfo.InvariantCulture) : $"first {shown} of {filters.ToString(CultureInfo.InvariantCulture)}";
            canvas.DrawText(
                $"First convolution {name}: {which} filters of {channels} × {kernelHeight} × {kernelWidth}; red +, blue −, each filter scaled to its largest |w|",
                Padding,
                20,
                SKTextAlign.Left,
                font,
                ink);
            using var frame = new SKPaint { Color = SKColors.LightGray, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
            for (int f = 0; f < shown; f++)
            {
                for (int c = 0; c < channels; c++)
                {
                    canvas.DrawRect(Left(f, c) - 0.5f, Top(f) - 0.5f, tileWidth + 1, tileHeight + 1, frame);
                }
            }
        }

        Span<byte> rgba = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        for (int f = 0; f < shown; f++)
        {
            ReadOnlySpan<float> filter = w.Slice(f * patch, patch);
            float largest = 0;
            foreach (float v in filter)
            {
                largest = Math.Max(largest, Math.Abs(v));
            }

            for (int c = 0; c < channels; c++)
            {
                for (int y = 0; y < tileHeight; y++)
                {
                    Span<byte> row = rgba.Slice(((Top(f) + y) * stride) + (Left(f, c) * 4), tileWidth * 4);
                    for (int x = 0; x < tileWidth; x++)
                    {
                        float v = largest == 0 ? 0 : filter[(((c * kernelHeight) + (y / scale)) * kernelWidth) + (x / scale)] / largest;
                        SKColor colour = FirstLayerWeights.Diverging(v);
                        row[(x * 4) + 0] = colour.Red;
                        row[(x * 4) + 1] = colour.Green;
                        row[(x * 4) + 2] = colour.Blue;
                        row[(x * 4) + 3] = 255;
                    }
                }
            }
        }

        int Left(int f, int c) => Padding + (f % columns * (filterWidth + Gap)) + (c * (tileWidth + 2));
        int Top(int f) => Header + Padding + (f / columns * (tileHeight + Gap));

        return PngEncoding.Encode(bitmap);
    }
}
