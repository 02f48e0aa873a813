using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Data.Splits;

namespace ScratchNet.Host.Tests.Support;

/// <summary>MNIST-shaped blobs (784 features, 10 classes): class c lights up the pixels whose index is c mod 10, so a small MLP separates them in a few epochs.</summary>
internal static class SyntheticMnist
{
    public const int Features = 784;

    public const int Classes = 10;

    public static Dataset Create(int trainRows = 300, int validationRows = 100, ulong seed = 5)
    {
        var rng = new Xoshiro256(seed);
        string[] names = [.. Enumerable.Range(0, Classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        return new Dataset("synthetic-mnist", Split(trainRows, rng), Split(validationRows, rng), names);
    }

    private static DataSplit Split(int rows, Xoshiro256 rng)
    {
        var x = new float[rows * Features];
        var labels = new byte[rows];
        for (int i = 0; i < rows; i++)
        {
            int label = rng.NextInt(Classes);
            labels[i] = (byte)label;
            for (int f = 0; f < Features; f++)
            {
                float centre = f % Classes == label ? 0.8f : 0.1f;
                x[(i * Features) + f] = Math.Clamp(centre + (0.1f * (float)rng.NextGaussian()), 0f, 1f);
            }
        }

        return DataSplit.FromLabels(x, labels, Features, Classes);
    }
}
