using ScratchNet.Core.Activations;
using ScratchNet.Core.Initializers;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Layers;

/// <summary>
/// Layers applied in order. The network ends in logits; softmax lives in the loss head
/// (<see cref="Losses.SoftmaxCrossEntropy"/>) so its backward pass can be the fused (P − Y) / n.
/// </summary>
public sealed class Sequential
{
    public Sequential(IReadOnlyList<ILayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException("a network needs at least one layer", nameof(layers));
        }

        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].InputSize != layers[i - 1].OutputSize)
            {
                throw new ArgumentException($"layer {layers[i].Name} expects {layers[i].InputSize} inputs, but {layers[i - 1].Name} gives {layers[i - 1].OutputSize}", nameof(layers));
            }
        }

        Layers = layers;
        Parameters = layers.SelectMany(l => l.Parameters).ToArray();
        Capacity = layers.Min(l => l.Capacity);
    }

    public IReadOnlyList<ILayer> Layers { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public int InputSize => Layers[0].InputSize;

    public int OutputSize => Layers[^1].OutputSize;

    public int Capacity { get; }

    public long ParameterCount => Parameters.Sum(p => (long)p.Length);

    /// <summary>
    /// Training mode switches every <see cref="IStochasticLayer"/> (dropout) on; evaluation mode, the
    /// default, makes them the identity. The trainer turns it on for its steps and the evaluator off for its passes.
    /// </summary>
    public bool IsTraining
    {
        get => Layers.OfType<IStochasticLayer>().Any(l => l.IsTraining);
        set
        {
            foreach (IStochasticLayer layer in Layers.OfType<IStochasticLayer>())
            {
                layer.IsTraining = value;
            }
        }
    }

    /// <summary>
    /// The multilayer perceptron of the reference: Dense → activation → … → Dense, one Dense per
    /// consecutive pair of <paramref name="sizes"/>, the activation after every Dense but the last.
    /// Weights come from <paramref name="initializer"/> drawn layer by layer from one generator; biases are zero.
    /// The Dense products may be split over <paramref name="team"/> (null: one thread); results do not depend on it.
    /// </summary>
    public static Sequential Mlp(IReadOnlyList<int> sizes, string activation, string initializer, ulong seed, int capacity, ComputeTeam? team = null) =>
        Mlp(sizes, activation, initializer, seed, capacity, dropout: 0f, team);

    /// <summary>
    /// The MLP with a <see cref="Dropout"/> of rate <paramref name="dropout"/> after every hidden activation
    /// (none when it is 0). Each dropout layer draws from its own generator seeded from <paramref name="seed"/>,
    /// so the initial weights do not depend on the dropout rate.
    /// </summary>
    public static Sequential Mlp(IReadOnlyList<int> sizes, string activation, string initializer, ulong seed, int capacity, float dropout, ComputeTeam? team = null)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2)
        {
            throw new ArgumentException($"an MLP needs at least two layer sizes (inputs and outputs), got {sizes.Count}", nameof(sizes));
        }

        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] <= 0)
            {
                throw new ArgumentException($"layer size {i} is {sizes[i]}; every size must be positive", nameof(sizes));
            }
        }

        IInitializer init = Initializer.Create(initializer);
        var rng = new Xoshiro256(seed);
        var layers = new List<ILayer>();
        for (int i = 0; i < sizes.Count - 1; i++)
        {
            var dense = new Dense($"dense{i}", sizes[i], sizes[i + 1], capacity, team);
            dense.Initialize(init, rng);
            layers.Add(dense);
            if (i < sizes.Count - 2)
            {
                layers.Add(new ActivationLayer($"{activation}{i}", Activation.Create(activation), sizes[i + 1], capacity));
                if (dropout > 0f)
                {
                    // A stream per layer, kept apart from the initialiser's (the constant is arbitrary).
                    layers.Add(new Dropout($"dropout{i}", sizes[i + 1], dropout, seed ^ (0xD50F_0000UL + (ulong)i), capacity));
                }
            }
        }

        return new Sequential(layers);
    }

    // x: (n, InputSize) → logits: (n, OutputSize), owned by the last layer
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        float[] output = Layers[0].Forward(x, n);
        for (int i = 1; i < Layers.Count; i++)
        {
            output = Layers[i].Forward(output, n);
        }

        return output;
    }

    // dLogits: (n, OutputSize) → every parameter's gradient, overwritten
    public void Backward(float[] dLogits, int n)
    {
        float[]? d = dLogits;
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            d = Layers[i].Backward(d!, n, computeInputGradient: i > 0);
        }
    }

    // dLogits: (n, OutputSize) → every parameter's gradient, overwritten, as Backward does; also returns, for each layer i,
    // dL/d(input of layer i): (n, Layers[i].InputSize), copied. Entry 0 is the gradient at the network's input, which
    // training never needs (Backward skips it) but which shows a learner which pixels moved the loss (a saliency map).
    public float[][] BackwardToInput(float[] dLogits, int n)
    {
        var inputGradients = new float[Layers.Count][];
        float[] d = dLogits;
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            d = Layers[i].Backward(d, n, computeInputGradient: true)!;
            inputGradients[i] = d.AsSpan(0, n * Layers[i].InputSize).ToArray();
        }

        return inputGradients;
    }
}
