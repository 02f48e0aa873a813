using System.Globalization;
using ScratchNet.Core.Layers;

namespace ScratchNet.Host.Reports;

/// <summary>
/// The first dense layer's incoming weights as images: one side × side tile per hidden unit, red where a
/// pixel pushes the unit up, blue where it pushes it down, white at 0. Each tile is scaled to its own largest
/// |w|, so every unit's pattern shows however large its weights are. Drawn by <see cref="WeightTiles"/>, as the
/// convolution filters are.
/// </summary>
public static class FirstLayerWeights
{
    /// <summary>More units than this are not drawn (the picture stays readable); the title says how many are shown.</summary>
    public const int MaxUnits = 256;

    private const int Scale = 2;
    private const int Gap = 4;

    /// <summary>
    /// The first dense layer, when its inputs are the image's pixels (only flatten or dropout before it, not a
    /// convolution's features) and form a square; otherwise null.
    /// </summary>
    public static Dense? Find(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Dense? first = network.Layers.OfType<Dense>().FirstOrDefault();
        bool seesPixels = network.Layers.TakeWhile(l => l is not Dense).All(l => l is Flatten or Dropout);
        return first is not null && seesPixels && Shape.SquareSide(first.InputSize) > 0 ? first : null;
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
        int side = Shape.SquareSide(inputs);
        if (side == 0)
        {
            throw new ArgumentException($"{inputs} inputs are not a square image", nameof(inputs));
        }

        if (w.Length < inputs * units)
        {
            throw new ArgumentException($"w has {w.Length} values, but {inputs} inputs × {units} units need {inputs * units}", nameof(w));
        }

        int shown = Math.Min(units, MaxUnits);
        string which = shown == units
            ? units.ToString(CultureInfo.InvariantCulture)
            : $"first {shown} of {units.ToString(CultureInfo.InvariantCulture)}";
        float[] weights = w[..(inputs * units)].ToArray();
        var largest = new float[shown];
        for (int unit = 0; unit < shown; unit++)
        {
            for (int i = 0; i < inputs; i++)
            {
                largest[unit] = Math.Max(largest[unit], Math.Abs(weights[(i * units) + unit]));
            }
        }

        var layout = new TileLayout(shown, 1, side, side, Scale, Math.Max(1, (int)Math.Ceiling(Math.Sqrt(shown * 2.0))), Gap);
        return WeightTiles.Draw(
            $"First layer: incoming weights of each hidden unit ({which}); red +, blue −, each tile scaled to its largest |w|",
            layout,
            (unit, _, y, x) => largest[unit] == 0 ? 0 : weights[(((y * side) + x) * units) + unit] / largest[unit]);
    }
}
