using ScratchNet.Core.Layers;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// The input an image file becomes for a model: a Width × Height field, the content cropped and its longer side scaled to
/// <see cref="Box"/> pixels, then placed by its centre of mass (how MNIST's digits were made: 20 pixels in 28, LeCun et
/// al.) or by the centre of its box (how Fashion-MNIST's products were made: the longer side to 28, Xiao et al. 2017).
/// </summary>
public sealed record ImageField(int Width, int Height, int Box, bool ByCentreOfMass)
{
    /// <summary>MNIST: 28 × 28, the digit's longer side 20 pixels, centred by mass.</summary>
    public static ImageField Mnist { get; } = new(28, 28, 20, ByCentreOfMass: true);

    /// <summary>
    /// The field for a model's input: one grey channel (1 × H × W), or a flat vector of a square image's pixels (an MLP);
    /// null for any other input, which no image file becomes.
    /// </summary>
    /// <param name="dataset">The Data:Dataset the model was trained on (its file's configuration), or null.</param>
    public static ImageField? For(string? dataset, Shape input)
    {
        int side = Shape.SquareSide(input.Size);
        return input.IsFlat ? (side > 0 ? For(dataset, side, side) : null)
            : input.Channels == 1 ? For(dataset, input.Width, input.Height)
            : null;
    }

    /// <summary>
    /// The field for a model's input of <paramref name="width"/> × <paramref name="height"/> trained on
    /// <paramref name="dataset"/> (Data:Dataset): Fashion-MNIST's products fill the field; MNIST's digits, and any other
    /// IDX set's images, are made the MNIST way, the box scaled with the field (20/28 of its shorter side).
    /// </summary>
    public static ImageField For(string? dataset, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        int side = Math.Min(width, height);
        return string.Equals(dataset, DatasetCatalog.FashionMnist.Name, StringComparison.OrdinalIgnoreCase)
            ? new ImageField(width, height, side, ByCentreOfMass: false)
            : new ImageField(width, height, Math.Max(1, (int)Math.Round(side * (double)Mnist.Box / Mnist.Width)), ByCentreOfMass: true);
    }
}
