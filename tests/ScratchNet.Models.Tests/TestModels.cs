using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;
using ScratchNet.Core.Random;

namespace ScratchNet.Models.Tests;

internal static class TestModels
{
    public static readonly RunManifest Manifest = new(42, new string('a', 64), "1.0.0+abc", "2026-01-02T03:04:05Z");

    /// <summary>A seeded MLP with non-zero biases, so a bias that is dropped or misplaced shows.</summary>
    public static Sequential Network(int[] sizes, string activation = "relu", ulong seed = 7, int capacity = 1000)
    {
        Sequential network = Sequential.Mlp(sizes, activation, "he_normal", seed, capacity);
        var rng = new Xoshiro256(seed + 1);
        foreach (Parameter parameter in network.Parameters.Where(p => p.Name.EndsWith(".bias", StringComparison.Ordinal)))
        {
            for (int i = 0; i < parameter.Length; i++)
            {
                parameter.Value[i] = (float)(0.1 * rng.NextGaussian());
            }
        }

        return network;
    }

    public static SavedModel Model(int[] sizes, string activation = "relu") =>
        SavedModel.FromNetwork(Network(sizes, activation), Configuration(sizes, activation), Manifest);

    public static Dictionary<string, string> Configuration(int[] sizes, string activation = "relu") => new()
    {
        ["Model:LayerSizes"] = string.Join(",", sizes),
        ["Model:Activation"] = activation,
        ["Training:Seed"] = "42",
    };

    public static float[] Inputs(int rows, int features, ulong seed = 3)
    {
        var rng = new Xoshiro256(seed);
        var x = new float[rows * features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)rng.NextDouble();
        }

        return x;
    }

    public static float[] Probabilities(Sequential network, float[] x, int rows)
    {
        float[] logits = network.Forward(x, rows);
        var p = new float[rows * network.OutputSize];
        Softmax.Forward(logits.AsSpan(0, p.Length), p, rows, network.OutputSize);
        return p;
    }

    public static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"scratchnet-models-{Guid.NewGuid():N}{extension}");
}
