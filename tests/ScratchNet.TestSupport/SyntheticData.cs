using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Data.Splits;

namespace ScratchNet.TestSupport;

/// <summary>
/// Small learnable datasets. Blobs: linearly separable, class c sits near a one-hot corner of feature space.
/// Bars: 1 × size × size images of a horizontal (class 0), vertical (class 1) or diagonal (class 2) bright bar at a
/// random position, in noise: a task for convolutions.
/// </summary>
public static class SyntheticData
{
    public static Dataset Blobs(int trainRows = 400, int validationRows = 100, int features = 8, int classes = 3, ulong seed = 1)
    {
        var rng = new Xoshiro256(seed);
        return new Dataset("blobs", Split(trainRows, features, classes, rng), Split(validationRows, features, classes, rng), Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray());
    }

    public static Dataset Bars(int trainRows = 240, int validationRows = 60, int size = 8, ulong seed = 1)
    {
        var rng = new Xoshiro256(seed);
        return new Dataset("bars", BarSplit(trainRows, size, rng), BarSplit(validationRows, size, rng), ["horizontal", "vertical", "diagonal"])
        {
            InputShape = new Shape(1, size, size),
        };
    }

    private static DataSplit BarSplit(int rows, int size, Xoshiro256 rng)
    {
        int pixels = size * size;
        var x = new float[rows * pixels];
        var labels = new byte[rows];
        for (int i = 0; i < rows; i++)
        {
            int label = rng.NextInt(3);
            int at = rng.NextInt(size);
            labels[i] = (byte)label;
            Span<float> image = x.AsSpan(i * pixels, pixels);
            for (int p = 0; p < pixels; p++)
            {
                (int row, int column) = (p / size, p % size);
                bool bar = label switch { 0 => row == at, 1 => column == at, _ => (row - column + size) % size == at };
                image[p] = (bar ? 1f : 0f) + (0.2f * (float)rng.NextGaussian());
            }
        }

        return DataSplit.FromLabels(x, labels, pixels, 3);
    }

    /// <summary>
    /// Small 8-bit images (pixel-backed, with their <see cref="Dataset.InputShape"/>), for augmentation: class c is a bright
    /// square in corner c of a dark field, with noise, at a random offset of up to 2 pixels.
    /// </summary>
    public static Dataset Squares(int trainRows = 240, int validationRows = 60, int side = 10, int classes = 3, ulong seed = 2)
    {
        var rng = new Xoshiro256(seed);
        var names = Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray();
        return new Dataset("squares", ImageSplit(trainRows, side, classes, rng), ImageSplit(validationRows, side, classes, rng), names)
        {
            InputShape = new Shape(1, side, side),
        };
    }

    private static DataSplit ImageSplit(int rows, int side, int classes, Xoshiro256 rng)
    {
        var pixels = new byte[rows * side * side];
        var labels = new byte[rows];
        int half = side / 2;
        for (int i = 0; i < rows; i++)
        {
            int label = rng.NextInt(classes);
            labels[i] = (byte)label;
            (int top, int left) = ((label / 2 % 2 * half) + rng.NextInt(3) - 1, (label % 2 * half) + rng.NextInt(3) - 1);
            for (int p = 0; p < side * side; p++)
            {
                (int v, int u) = Math.DivRem(p, side);
                bool inside = v >= top && v < top + half && u >= left && u < left + half;
                pixels[(i * side * side) + p] = (byte)Math.Clamp((inside ? 200 : 20) + rng.NextInt(50), 0, 255);
            }
        }

        return DataSplit.FromPixels(pixels, labels, side * side, classes);
    }

    private static DataSplit Split(int rows, int features, int classes, Xoshiro256 rng)
    {
        var x = new float[rows * features];
        var labels = new byte[rows];
        for (int i = 0; i < rows; i++)
        {
            int label = rng.NextInt(classes);
            labels[i] = (byte)label;
            for (int f = 0; f < features; f++)
            {
                float centre = f % classes == label ? 1f : 0f;
                x[(i * features) + f] = centre + (0.25f * (float)rng.NextGaussian());
            }
        }

        return DataSplit.FromLabels(x, labels, features, classes);
    }
}
