using ScratchNet.Core.Initializers;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Layers;

/// <summary>
/// Builds a <see cref="Sequential"/> from layer definitions (Model:Layers), working out each layer's input shape from
/// the one before, starting at the data's shape. Layers are named by kind and count (conv0, conv1, maxpool0, bn0,
/// relu0, flatten0, dense0, …), and their tensors after them (conv0.weight, bn0.running_mean).
/// </summary>
public static class NetworkBuilder
{
    /// <summary>
    /// The float values the network's arrays will hold once it has run forward over <paramref name="capacity"/> rows and
    /// backward over <paramref name="trainingRows"/> (weights and their gradients, activations and their gradients, kernel
    /// scratch for <paramref name="threads"/> threads), as the layers and the fused conv → relu → maxpool blocks allocate
    /// them, worked out from the definitions without allocating, so a caller can hold them to a memory budget before <see cref="Build"/>.
    /// </summary>
    /// <param name="stateArrays">Arrays the size of each parameter the optimizer will keep (momentum: 1, Adam's moments: 2), counted too.</param>
    /// <param name="trainingRows">The most rows a backward pass carries (the training batch), at most <paramref name="capacity"/>; null: capacity.</param>
    /// <param name="fusesBlocks">Whether the network will run its conv → relu → maxpool blocks fused (<see cref="Sequential.FusesBlocks"/>); off, each convolution's output is held for every row and counted.</param>
    /// <exception cref="NetworkDefinitionException">As <see cref="Build"/>: a layer does not fit, or an array would exceed a limit.</exception>
    public static long Values(IReadOnlyList<LayerDefinition> layers, Shape input, int capacity, int threads = 1, int stateArrays = 0, int? trainingRows = null, bool fusesBlocks = true)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(stateArrays);
        return NetworkPlan.Check(layers, input, capacity, threads, stateArrays, trainingRows, fusesBlocks);
    }

    /// <param name="layers">The layers in order; the last one's outputs are the logits.</param>
    /// <param name="input">One input row's shape, e.g. 1 × 28 × 28 for MNIST.</param>
    /// <param name="capacity">The most rows one call will carry.</param>
    /// <param name="initializer">The weight initialiser's name (he_normal, …) for conv and dense layers.</param>
    /// <param name="seed">
    /// Seeds the weights, drawn layer by layer from one generator, and each dropout layer's own generator
    /// (seed ^ (0xD50F0000 + its index)), so the weights do not depend on the dropout layers.
    /// </param>
    /// <param name="team">Threads the dense products and the convolutions' images may be split over (null: one thread); results do not depend on it.</param>
    /// <exception cref="NetworkDefinitionException">
    /// A layer does not fit the shape it gets, one of its arrays would exceed a limit (<see cref="NetworkPlan"/>), or the
    /// network breaks a ceiling of the model files (<see cref="NetworkLimits"/>); the message names the layer (1-based, as
    /// listed) and the shapes or the limit. The whole network is checked before any layer is allocated.
    /// </exception>
    public static Sequential Build(IReadOnlyList<LayerDefinition> layers, Shape input, int capacity, string initializer, ulong seed, ComputeTeam? team = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (layers.Count == 0)
        {
            throw new NetworkDefinitionException("the network has no layers; list them in Model:Layers, e.g. [\"flatten\", \"dense 10\"]");
        }

        IInitializer init = Initializer.Create(initializer);
        NetworkPlan.Check(layers, input, capacity, team?.Threads ?? 1);
        NetworkLimits.Check(layers, input, capacity);
        var rng = new Xoshiro256(seed);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var built = new List<ILayer>(layers.Count);
        Shape shape = input;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerDefinition definition = layers[i];
            ILayer layer = Create(definition, shape, capacity, seed, team, init, rng, counts, position: i + 1);
            built.Add(layer);
            shape = layer.OutputShape;
        }

        return new Sequential(built);
    }

    private static ILayer Create(LayerDefinition d, Shape shape, int capacity, ulong seed, ComputeTeam? team, IInitializer init, Xoshiro256 rng, Dictionary<string, int> counts, int position)
    {
        try
        {
            string prefix = LayerFactory.Prefix(d);
            int index = counts.GetValueOrDefault(prefix);
            counts[prefix] = index + 1;

            // A dropout layer's stream is its own, kept apart from the initialiser's (the constant is arbitrary).
            ILayer layer = LayerFactory.Create(d, $"{prefix}{index}", shape, capacity, team, dropoutSeed: seed ^ (0xD50F_0000UL + (ulong)index));
            switch (layer)
            {
                case Conv2D conv:
                    conv.Initialize(init, rng);
                    break;
                case Dense dense:
                    dense.Initialize(init, rng);
                    break;
            }

            return layer;
        }
        catch (ArgumentException e)
        {
            // The constructors' checks (a window larger than its padded input, a size that is not positive) in the user's terms.
            throw new NetworkDefinitionException($"layer {position} ({d}) gets {NetworkPlan.Describe(shape)}: {FirstSentence(e.Message)}");
        }
    }

    // ArgumentException appends " (Parameter 'x')" to its message; the user needs only the problem.
    internal static string FirstSentence(string message)
    {
        int parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter < 0 ? message : message[..parameter];
    }
}
