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

    /// <summary>
    /// A seeded network from Model:Layers entries with non-zero biases, and batch norm's γ, β and running statistics away
    /// from their starting values, so a tensor that is dropped, misplaced or left at its default shows.
    /// </summary>
    public static Sequential Network(string[] layers, Shape input, ulong seed = 7, int capacity = 1000)
    {
        Sequential network = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], input, capacity, "he_normal", seed);
        var rng = new Xoshiro256(seed + 1);
        foreach ((string name, float[] values) in network.Parameters.Select(p => (p.Name, p.Value)).Concat(network.State.Select(s => (s.Name, s.Value))))
        {
            bool bias = name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith(".running_mean", StringComparison.Ordinal);
            bool scale = name.StartsWith("bn", StringComparison.Ordinal) && (name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal));
            if (!bias && !scale)
            {
                continue;
            }

            for (int i = 0; i < values.Length; i++)
            {
                values[i] = scale ? (float)(0.5 + rng.NextDouble()) : (float)(0.1 * rng.NextGaussian());
            }
        }

        return network;
    }

    /// <summary>A small CNN with every layer kind a file holds: conv with stride and padding, batch norm after conv and dense, both pools, flatten, dropout (left out of files) and two activations.</summary>
    public static readonly string[] SmallCnn =
    [
        "conv 4 3x3 pad 1", "batchnorm", "relu", "maxpool 2", "conv 6 3x2 stride 2 pad 1", "leaky_relu", "avgpool 2 stride 1",
        "flatten", "dropout 0.25", "dense 7", "batchnorm", "tanh", "dense 3",
    ];

    public static Dictionary<string, string> Configuration(string[] layers) =>
        layers.Select((l, i) => (l, i)).ToDictionary(p => $"Model:Layers:{p.i}", p => p.l);

    public static SavedModel Model(string[] layers, Shape input, int capacity = 1000) =>
        SavedModel.FromNetwork(Network(layers, input, capacity: capacity), Configuration(layers), Manifest);

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
