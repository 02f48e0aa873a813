namespace ScratchNet.Data;

/// <summary>The shape of one image: channels × height × width, stored as one row of <see cref="PixelCount"/> features (channel planes one after another, each row-major).</summary>
public sealed record ImageShape(int Channels, int Height, int Width)
{
    public int PixelCount => Channels * Height * Width;

    /// <summary>One square grayscale image per row, when <paramref name="featureCount"/> is a perfect square; otherwise null.</summary>
    public static ImageShape? SquareGrayscale(int featureCount)
    {
        int side = (int)Math.Round(Math.Sqrt(featureCount));
        return featureCount > 0 && side * side == featureCount ? new ImageShape(1, side, side) : null;
    }

    public override string ToString() => $"{Channels} × {Height} × {Width}";
}
