using ScratchNet.Core.Layers;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// The input an image file becomes for a model: a Width × Height field, the content cropped and scaled, aspect kept, as
/// large as fits a <see cref="BoxWidth"/> × <see cref="BoxHeight"/> box, then placed by its centre of mass (how MNIST's
/// digits were made: a 20 × 20 box in 28 × 28, LeCun et al.) or by the centre of its box (how Fashion-MNIST's products
/// were made: the longer side to 28, Xiao et al. 2017).
/// </summary>
public sealed record ImageField(int Width, int Height, int BoxWidth, int BoxHeight, bool ByCentreOfMass)
{
    /// <summary>MNIST: 28 × 28, the digit's longer side 20 pixels, centred by mass.</summary>
    public static ImageField Mnist { get; } = new(28, 28, 20, 20, ByCentreOfMass: true);

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
    /// IDX set's images, are made the MNIST way, the square box scaled with the field's longer side (20/28 of it) and cut
    /// to the field. For a non-square set this is a guess, fitted to MNIST cropped to 28 high × 20 wide, whose digits stay
    /// 20 pixels tall and up to 20 wide: a box of 20/28 of the shorter side made them 14 tall (a model of that set read 59
    /// of 100 pictures, and 95 with this box), and 20/28 of each side, 14 × 20, squeezed the wide ones (88).
    /// </summary>
    public static ImageField For(string? dataset, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (string.Equals(dataset, DatasetCatalog.FashionMnist.Name, StringComparison.OrdinalIgnoreCase))
        {
            return new ImageField(width, height, width, height, ByCentreOfMass: false);
        }

        int box = Math.Max(1, (int)Math.Round(Math.Max(width, height) * (double)Mnist.BoxWidth / Mnist.Width));
        return new ImageField(width, height, Math.Min(box, width), Math.Min(box, height), ByCentreOfMass: true);
    }
}
