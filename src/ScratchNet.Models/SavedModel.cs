using ScratchNet.Core.Layers;

namespace ScratchNet.Models;

/// <summary>
/// A trained network as every format stores it: the layers, their tensors, the configuration of the run
/// and its manifest. Built from a live network to save it, and turned back into one after loading.
/// </summary>
/// <param name="Layers">In order; Dense and activation layers only.</param>
/// <param name="Tensors">Each dense layer's <c>{name}.weight</c> (in, out) and <c>{name}.bias</c> (out), in layer order.</param>
/// <param name="Configuration">The run's configuration keys and values, e.g. <c>Model:LayerSizes = 784,128,64,10</c>.</param>
/// <param name="Manifest">Where the model came from; null for a safetensors file written by another tool.</param>
public sealed record SavedModel(
    IReadOnlyList<LayerSpec> Layers,
    IReadOnlyList<NamedTensor> Tensors,
    IReadOnlyDictionary<string, string> Configuration,
    RunManifest? Manifest)
{
    /// <summary>Input width, then every dense layer's output width: the form of <c>Model:LayerSizes</c>.</summary>
    public IReadOnlyList<int> LayerSizes =>
        [Layers[0].Inputs, .. Layers.Where(l => l.Kind == LayerSpec.Dense).Select(l => l.Outputs)];

    /// <summary>The hidden activation's name, or null for a network with a single dense layer.</summary>
    public string? Activation => Layers.FirstOrDefault(l => l.Kind == LayerSpec.Activation)?.ActivationName;

    /// <summary>
    /// True for the layers model files hold so far: dense, activation and dropout (left out, the identity at inference).
    /// Convolution, pooling, flatten and batch norm are not written yet.
    /// </summary>
    public static bool Holds(ILayer layer) => layer is Dense or ActivationLayer or Dropout;

    /// <summary>Copies the network's layers and weights (the copy does not change when training goes on).</summary>
    /// <remarks>Dropout layers are left out: at inference they are the identity.</remarks>
    /// <exception cref="ArgumentException">The network holds a layer other than Dense, ActivationLayer or Dropout.</exception>
    public static SavedModel FromNetwork(Sequential network, IReadOnlyDictionary<string, string> configuration, RunManifest? manifest)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(configuration);
        var layers = new List<LayerSpec>();
        var tensors = new List<NamedTensor>();
        foreach (ILayer layer in network.Layers)
        {
            switch (layer)
            {
                case Dense dense:
                    layers.Add(new LayerSpec(LayerSpec.Dense, dense.Name, dense.InputSize, dense.OutputSize));
                    tensors.Add(new NamedTensor(dense.Weight.Name, [dense.InputSize, dense.OutputSize], (float[])dense.Weight.Value.Clone()));
                    tensors.Add(new NamedTensor(dense.BiasParameter.Name, [dense.OutputSize], (float[])dense.BiasParameter.Value.Clone()));
                    break;
                case ActivationLayer activation:
                    layers.Add(new LayerSpec(LayerSpec.Activation, activation.Name, activation.InputSize, activation.OutputSize, activation.Activation.Name));
                    break;
                case Dropout:
                    // Inverted dropout is the identity at inference, so the saved model leaves it out.
                    break;
                default:
                    throw new ArgumentException($"layer {layer.Name} is a {layer.GetType().Name}; model files hold Dense, activation and dropout layers only", nameof(network));
            }
        }

        return new SavedModel(layers, tensors, new SortedDictionary<string, string>(configuration.ToDictionary(), StringComparer.Ordinal), manifest);
    }

    /// <summary>Builds the network the file describes and loads its weights.</summary>
    /// <param name="capacity">The most rows one forward pass will carry.</param>
    /// <param name="source">The file, for error messages.</param>
    /// <exception cref="ModelFileException">The layers do not chain, an activation is unknown, or a tensor is missing or misshapen.</exception>
    public Sequential CreateNetwork(int capacity, string source)
    {
        ModelStructure.Check(this, source);
        var layers = new List<ILayer>(Layers.Count);
        foreach (LayerSpec spec in Layers)
        {
            layers.Add(spec.Kind == LayerSpec.Dense
                ? new Dense(spec.Name, spec.Inputs, spec.Outputs, capacity)
                : new ActivationLayer(spec.Name, Core.Activations.Activation.Create(spec.ActivationName!), spec.Inputs, capacity));
        }

        var network = new Sequential(layers);
        NetworkWeights.CopyInto(network, Tensors, source);
        return network;
    }
}
