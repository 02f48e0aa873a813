using ScratchNet.Core.Layers;

namespace ScratchNet.Models;

/// <summary>
/// A trained network as every format stores it: the layers, their tensors, the configuration of the run
/// and its manifest. Built from a live network to save it, and turned back into one after loading.
/// </summary>
/// <param name="Layers">In order: dense, activation, conv, maxpool, avgpool, batchnorm and flatten layers (dropout is left out).</param>
/// <param name="Tensors">
/// Each layer's tensors in layer order: dense <c>{name}.weight</c> (in, out) and <c>{name}.bias</c> (out); conv
/// <c>{name}.weight</c> (out, in, kH, kW) and <c>{name}.bias</c> (out); batch norm <c>{name}.weight</c> (γ),
/// <c>{name}.bias</c> (β), <c>{name}.running_mean</c> and <c>{name}.running_var</c>, each (channels).
/// </param>
/// <param name="Configuration">The run's configuration keys and values, e.g. <c>Model:LayerSizes = 784,128,64,10</c>.</param>
/// <param name="Manifest">Where the model came from; null for a safetensors file written by another tool.</param>
public sealed record SavedModel(
    IReadOnlyList<LayerSpec> Layers,
    IReadOnlyList<NamedTensor> Tensors,
    IReadOnlyDictionary<string, string> Configuration,
    RunManifest? Manifest)
{
    /// <summary>Input width, then every dense layer's output width: the form of <c>Model:LayerSizes</c> (meaningful for an MLP).</summary>
    public IReadOnlyList<int> LayerSizes =>
        [Layers[0].Inputs, .. Layers.Where(l => l.Kind == LayerSpec.Dense).Select(l => l.Outputs)];

    /// <summary>The first activation's name, or null for a network without one (an MLP's hidden activation).</summary>
    public string? Activation => Layers.FirstOrDefault(l => l.Kind == LayerSpec.Activation)?.ActivationName;

    /// <summary>One input row's shape: (1, 28, 28) for a CNN on MNIST, (784, 1, 1) for an MLP.</summary>
    public Shape InputShape => Layers[0].InputShape is { } shape ? new Shape(shape.Channels, shape.Height, shape.Width) : Shape.Flat(Layers[0].Inputs);

    /// <summary>
    /// The images a model whose first layer takes flat rows was trained on (1 × 12 × 20 for an MLP of Model:LayerSizes on
    /// 12 × 20 IDX images), each row an image's pixels row by row; null when the first layer records its input's shape
    /// itself (flatten, conv), when the images were square (a flat row of a square number of values is that square: files
    /// of MNIST MLPs stay as they were), and in files written before it was recorded.
    /// </summary>
    public RowShape? ImageShape { get; init; }

    /// <summary>
    /// The data the weights were trained on before this model's own run (see <see cref="DataHistoryEntry"/>), oldest last;
    /// empty for a model trained from its initialiser, and in files written before histories were kept.
    /// </summary>
    public IReadOnlyList<DataHistoryEntry> DataHistory { get; init; } = [];

    /// <summary>One row of the data the model reads: <see cref="ImageShape"/> when recorded, else <see cref="InputShape"/>.</summary>
    public Shape DataShape => ImageShape is { } image ? new Shape(image.Channels, image.Height, image.Width) : InputShape;

    /// <summary>True when the model is dense and activation layers on flat vectors only, as <c>Model:LayerSizes</c> describes.</summary>
    public bool IsMlp => Layers.All(l => l.Kind is LayerSpec.Dense or LayerSpec.Activation) && InputShape.IsFlat;

    /// <summary>Every layer in the grammar of Model:Layers, in order (the model must have passed its structure check).</summary>
    public IReadOnlyList<LayerDefinition> Definitions => [.. Layers.Select(l => ModelStructure.Definition(l, "(model)"))];

    /// <summary>
    /// True for the layers model files hold: every layer <see cref="LayerDefinition.TryOf"/> can describe (dropout is left
    /// out of the file, the identity at inference). False only for a custom <see cref="ILayer"/> brought in through DI.
    /// </summary>
    public static bool Holds(ILayer layer) => LayerDefinition.TryOf(layer) is not null;

    /// <summary>Copies the network's layers, weights and batch-norm statistics (the copy does not change when training goes on).</summary>
    /// <remarks>Dropout layers are left out: at inference they are the identity.</remarks>
    /// <param name="data">One row of the data the network was trained on; recorded as <see cref="ImageShape"/> when the network's first layer takes those images as flat rows a reader could not shape again.</param>
    /// <exception cref="ArgumentException">The network holds a layer <see cref="Holds"/> refuses.</exception>
    public static SavedModel FromNetwork(Sequential network, IReadOnlyDictionary<string, string> configuration, RunManifest? manifest, Shape? data = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(configuration);
        var layers = new List<LayerSpec>();
        var tensors = new List<NamedTensor>();
        foreach (ILayer layer in network.Layers)
        {
            LayerDefinition definition = LayerDefinition.TryOf(layer)
                ?? throw new ArgumentException($"layer {layer.Name} is a {layer.GetType().Name}, which model files cannot describe", nameof(network));
            if (definition.Kind == LayerKind.Dropout)
            {
                // Inverted dropout is the identity at inference, so the saved model leaves it out.
                continue;
            }

            layers.Add(LayerSpec.Of(layer.Name, definition, layer.InputShape, layer.OutputShape));
            var values = layer.Parameters.Select(p => (p.Name, p.Value)).Concat(layer.State.Select(s => (s.Name, s.Value))).ToDictionary(StringComparer.Ordinal);
            foreach ((string name, int[] shape) in ModelStructure.TensorsOf(layer.Name, definition, layer.InputShape, layer.OutputShape))
            {
                tensors.Add(new NamedTensor(name, shape, (float[])values[name].Clone()));
            }
        }

        return new SavedModel(layers, tensors, new SortedDictionary<string, string>(configuration.ToDictionary(), StringComparer.Ordinal), manifest)
        {
            ImageShape = ImageShapeOf(network.InputShape, data),
        };
    }

    // Only what a reader cannot work out: flat rows of images that are not one grey square (a square's side follows from
    // the row's length, as predict and the reports have always taken it).
    private static RowShape? ImageShapeOf(Shape input, Shape? data) =>
        data is { IsFlat: false } images && input.IsFlat && images.Size == input.Size
            && !(images.Channels == 1 && images.Height == images.Width)
            ? RowShape.From(images)
            : null;

    /// <summary>The values one row takes through the network (every layer's input and output), after checking the file's structure, so a caller can size its passes before building.</summary>
    /// <exception cref="ModelFileException">As <see cref="CreateNetwork"/>: the layers do not chain, a kind is unknown, a tensor is missing or misshapen.</exception>
    public long ValuesPerRow(string source) => ModelStructure.Check(this, source);

    /// <summary>Builds the network the file describes, in evaluation mode, and loads its weights and batch-norm statistics.</summary>
    /// <param name="capacity">The most rows one forward pass will carry.</param>
    /// <param name="source">The file, for error messages.</param>
    /// <exception cref="ModelFileException">The layers do not chain, a kind or activation is unknown, a tensor is missing or misshapen, or the network is too large for <paramref name="capacity"/> rows.</exception>
    public Sequential CreateNetwork(int capacity, string source)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        long valuesPerRow = ModelStructure.Check(this, source);
        ModelStructure.CheckRows(valuesPerRow, capacity, source);
        var layers = new List<ILayer>(Layers.Count);
        Shape shape = InputShape;
        foreach (LayerSpec spec in Layers)
        {
            // The structure check has matched every kind and shape, and files hold no dropout.
            ILayer layer = LayerFactory.Create(ModelStructure.Definition(spec, source), spec.Name, shape, capacity);
            layers.Add(layer);
            shape = layer.OutputShape;
        }

        var network = new Sequential(layers);
        NetworkWeights.CopyInto(network, Tensors, source);
        return network;
    }
}
