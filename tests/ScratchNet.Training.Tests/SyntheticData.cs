using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;

namespace ScratchNet.Training.Tests;

/// <summary>
/// Small learnable datasets. Blobs: linearly separable, class c sits near a one-hot corner of feature space.
/// Bars: 1 × size × size images of a horizontal (class 0), vertical (class 1) or diagonal (class 2) bright bar at a
/// random position, in noise: a task for convolutions.
/// </summary>
internal static class SyntheticData
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
