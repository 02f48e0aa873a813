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
