using System.Globalization;

namespace ScratchNet.Core.Layers;

/// <summary>
/// The shape of one row of a layer's input or output: (channels, height, width). A batch of n rows is the
/// tensor (n, c, h, w), stored row-major (NCHW), so one row is c·h·w consecutive floats: channel by channel,
/// each channel an h × w image stored row by row. A flat vector of f features, as a dense layer sees it, is
/// (f, 1, 1): f channels of one pixel each, so per-channel operations (batch norm) are per-feature there.
/// </summary>
public readonly record struct Shape
{
    public Shape(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Channels = channels;
        Height = height;
        Width = width;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Values per row: c·h·w (the features a flat layer sees).</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Pixels per channel: h·w.</summary>
    public int Plane => Height * Width;

    /// <summary>True for a vector (h = w = 1), as dense layers take and give.</summary>
    public bool IsFlat => Height == 1 && Width == 1;

    /// <summary>A vector of <paramref name="features"/> values: (features, 1, 1).</summary>
    public static Shape Flat(int features) => new(features, 1, 1);

    /// <summary>The side of a square image of <paramref name="pixels"/> values (28 for 784), or 0 when it is not a square number.</summary>
    /// <remarks>How a flat row is drawn as a picture (first-layer weights, misclassified digits) when no image shape is known.</remarks>
    public static int SquareSide(int pixels)
    {
        int side = (int)Math.Round(Math.Sqrt(pixels));
        return pixels > 0 && side * side == pixels ? side : 0;
    }

    /// <summary>"784" for a vector, "16 × 28 × 28" for images (channels × height × width).</summary>
    public override string ToString() => IsFlat
        ? Channels.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Channels} × {Height} × {Width}");
}
