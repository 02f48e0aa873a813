using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Layers;

/// <summary>
/// Layers applied in order, each taking the shape the one before gives. The network ends in logits; softmax lives
/// in the loss head (<see cref="Losses.SoftmaxCrossEntropy"/>) so its backward pass can be the fused (P − Y) / n.
/// </summary>
public sealed class Sequential
{
    private readonly ConvReluMaxPoolBlock?[] _blocks;
    private bool _fusedLastForward;

    public Sequential(IReadOnlyList<ILayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException("a network needs at least one layer", nameof(layers));
        }

        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].InputShape != layers[i - 1].OutputShape)
            {
                throw new ArgumentException(
                    $"layer {i + 1} ({layers[i].Name}) expects {layers[i].InputShape} inputs, but layer {i} ({layers[i - 1].Name}) gives {layers[i - 1].OutputShape}", nameof(layers));
            }
        }

        string? repeated = layers.SelectMany(l => l.Parameters.Select(p => p.Name).Concat(l.State.Select(s => s.Name))).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null)
        {
            throw new ArgumentException($"two tensors are named {repeated}; every layer needs its own name", nameof(layers));
        }

        Layers = layers;
        _blocks = new ConvReluMaxPoolBlock?[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            _blocks[i] = ConvReluMaxPoolBlock.At(layers, i);
            i += _blocks[i] is null ? 0 : ConvReluMaxPoolBlock.Length - 1;
        }

        Parameters = layers.SelectMany(l => l.Parameters).ToArray();
        State = layers.SelectMany(l => l.State).ToArray();
        Capacity = layers.Min(l => l.Capacity);
    }

    public IReadOnlyList<ILayer> Layers { get; }

    /// <summary>
    /// True (the default): <see cref="Forward"/> and <see cref="Backward"/> run each conv → relu → maxpool of the layers as one
    /// block, image by image (<see cref="ConvReluMaxPoolBlock"/>), with the layers' outputs bit for bit, their gradients
    /// bit for bit or, where the block's backward sums in another order (the sparse and grey paths), to float rounding,
    /// and a fraction of the memory traffic. False: every layer on its own, as <see cref="BackwardToInput"/> and the
    /// explorer run them, and as training does with <c>Training:FuseBlocks=false</c>.
    /// </summary>
    public bool FusesBlocks { get; set; } = true;

    /// <summary>Every layer's trainable tensors, in layer order: what optimizers update.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Every layer's untrained state (batch norm's running statistics), in layer order: saved with the parameters, never updated by optimizers.</summary>
    public IReadOnlyList<StateTensor> State { get; }

    public Shape InputShape => Layers[0].InputShape;

    public Shape OutputShape => Layers[^1].OutputShape;

    public int InputSize => Layers[0].InputSize;

    public int OutputSize => Layers[^1].OutputSize;

    public int Capacity { get; }

    /// <summary>Trainable values: Σ over <see cref="Parameters"/>.</summary>
    public long ParameterCount => Parameters.Sum(p => (long)p.Length);

    /// <summary>Values of <see cref="State"/>, which Keras counts as non-trainable parameters.</summary>
    public long StateCount => State.Sum(s => (long)s.Length);

    /// <summary>
    /// Training mode switches every <see cref="IHasTrainingMode"/> layer to its training behaviour: dropout masks, batch norm
    /// normalises with batch statistics and updates its running ones. Evaluation mode, the default, makes dropout the identity
    /// and batch norm use its running statistics. The trainer turns it on for its steps and the evaluator off for its passes.
    /// </summary>
    public bool IsTraining
    {
        get => Layers.OfType<IHasTrainingMode>().Any(l => l.IsTraining);
        set
        {
            foreach (IHasTrainingMode layer in Layers.OfType<IHasTrainingMode>())
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

        return NetworkBuilder.Build(MlpLayers(sizes, activation, dropout), Shape.Flat(sizes[0]), capacity, initializer, seed, team);
    }

    /// <summary>The layers <see cref="Mlp(IReadOnlyList{int}, string, string, ulong, int, float, ComputeTeam?)"/> builds, for the checks that come before building (on <c>Shape.Flat(sizes[0])</c>).</summary>
    public static IReadOnlyList<LayerDefinition> MlpLayers(IReadOnlyList<int> sizes, string activation, float dropout)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        string name = Activation.Create(activation).Name;
        var layers = new List<LayerDefinition>();
        for (int i = 1; i < sizes.Count; i++)
        {
            layers.Add(LayerDefinition.Dense(sizes[i]));
            if (i < sizes.Count - 1)
            {
                layers.Add(LayerDefinition.ActivationOf(name));
                if (dropout > 0f)
                {
                    layers.Add(LayerDefinition.Dropout(dropout));
                }
            }
        }

        return layers;
    }

    // x: (n, InputShape) → logits: (n, OutputSize), owned by the last layer
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        _fusedLastForward = FusesBlocks;
        ReadOnlyMemory<float> input = x;
        float[] output = [];
        for (int i = 0; i < Layers.Count; i++)
        {
            if (FusesBlocks && _blocks[i] is { } block)
            {
                output = block.Forward(input, n);
                i += ConvReluMaxPoolBlock.Length - 1;
            }
            else
            {
                output = Layers[i].Forward(input, n);
            }

            input = output;
        }

        return output;
    }

    // dLogits: (n, OutputSize) → every parameter's gradient, overwritten. Runs the blocks as the last Forward did.
    public void Backward(float[] dLogits, int n)
    {
        float[]? d = dLogits;
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            int start = i - (ConvReluMaxPoolBlock.Length - 1);
            if (_fusedLastForward && start >= 0 && _blocks[start] is { } block)
            {
                d = block.Backward(d!, n, computeInputGradient: start > 0);
                i = start;
            }
            else
            {
                d = Layers[i].Backward(d!, n, computeInputGradient: i > 0);
            }
        }
    }

    // dLogits: (n, OutputSize) → every parameter's gradient, overwritten, as Backward does; also returns, for each layer i,
    // dL/d(input of layer i): (n, Layers[i].InputSize), copied. Entry 0 is the gradient at the network's input, which
    // training never needs (Backward skips it) but which shows a learner which pixels moved the loss (a saliency map).
    // Layer by layer: it follows the layers' own Forward calls (as the explorer makes them), or Forward with FusesBlocks off.
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
