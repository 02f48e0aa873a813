using ScratchNet.Core.Random;
using ScratchNet.Data;

namespace ScratchNet.Training.Tests;

/// <summary>Linearly separable blobs: class c sits near a one-hot corner of feature space.</summary>
internal static class SyntheticData
{
    public static Dataset Blobs(int trainRows = 400, int validationRows = 100, int features = 8, int classes = 3, ulong seed = 1)
    {
        var rng = new Xoshiro256(seed);
        return new Dataset("blobs", Split(trainRows, features, classes, rng), Split(validationRows, features, classes, rng), Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray());
    }

    /// <summary>
    /// Small 8-bit images (pixel-backed, with their <see cref="ImageShape"/>), for augmentation: class c is a bright
    /// square in corner c of a dark field, with noise, at a random offset of up to 2 pixels.
    /// </summary>
    public static Dataset Squares(int trainRows = 240, int validationRows = 60, int side = 10, int classes = 3, ulong seed = 2)
    {
        var rng = new Xoshiro256(seed);
        var names = Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray();
        return new Dataset("squares", ImageSplit(trainRows, side, classes, rng), ImageSplit(validationRows, side, classes, rng), names)
        {
            ImageShape = new ImageShape(1, side, side),
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
