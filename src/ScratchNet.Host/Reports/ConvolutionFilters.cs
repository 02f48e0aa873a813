using System.Globalization;
using ScratchNet.Core.Layers;

namespace ScratchNet.Host.Reports;

/// <summary>
/// The first convolution's filters as images: one kH × kW tile per filter and input channel (a row of C tiles per filter
/// when the images have several channels), each weight a square of pixels, red where it pushes the filter's output up,
/// blue where down, white at 0. Each filter is scaled to its own largest |w|, as <see cref="FirstLayerWeights"/> scales
/// each unit (both drawn by <see cref="WeightTiles"/>). Its weights are read in PyTorch's layout, (out, in, kH, kW).
/// </summary>
public static class ConvolutionFilters
{
    /// <summary>More filters than this are not drawn (the picture stays readable); the title says how many are shown.</summary>
    public const int MaxFilters = 256;

    private const int FiltersPerRow = 8;
    private const int TileTarget = 40;
    private const int Gap = 6;

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
        string which = shown == filters ? filters.ToString(CultureInfo.InvariantCulture) : $"first {shown} of {filters.ToString(CultureInfo.InvariantCulture)}";
        float[] weights = w[..(filters * patch)].ToArray();
        var largest = new float[shown];
        for (int f = 0; f < shown; f++)
        {
            largest[f] = WeightTiles.Largest(weights.AsSpan(f * patch, patch));
        }

        // A weight is a square of `scale` pixels, so a 3 × 3 filter is a 39-pixel tile and a 5 × 5 one 40.
        int scale = Math.Max(2, TileTarget / Math.Max(kernelHeight, kernelWidth));
        var layout = new TileLayout(shown, channels, kernelHeight, kernelWidth, scale, Math.Min(shown, Math.Max(1, FiltersPerRow / Math.Min(channels, FiltersPerRow))), Gap);
        return WeightTiles.Draw(
            $"First convolution {name}: {which} filters of {channels} × {kernelHeight} × {kernelWidth}; red +, blue −, each filter scaled to its largest |w|",
            layout,
            (f, c, y, x) => largest[f] == 0 ? 0 : weights[(f * patch) + (((c * kernelHeight) + y) * kernelWidth) + x] / largest[f]);
    }
}
