using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Options;

/// <summary>The network's shape (section "Model").</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>
    /// The most units one layer may have, whatever its neighbours: a bound on what is written, not a promise, since the
    /// network's weights and biases must also fit a model file (<see cref="NetworkLimits.MaxStoredValues"/>: beside 784
    /// inputs and 10 classes one hidden layer of at most 332,379 units).
    /// </summary>
    public const int MaxLayerSize = 1 << 20;

    /// <summary>
    /// The network as a list of layers, one string each in the grammar of <see cref="LayerSyntax"/>, e.g.
    /// ["conv 16 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10"]; shapes follow from the data's (1 × 28 × 28 for
    /// MNIST). When it has entries it describes the network and the MLP shorthand (<see cref="LayerSizes"/>,
    /// <see cref="Activation"/>, <see cref="Dropout"/>) is not used. Empty by default: the binder appends a configured
    /// list to the default one, so the default must hold nothing (set it as Model:Layers:0, Model:Layers:1, … on the command line).
    /// </summary>
    public List<string> Layers { get; set; } = [];

    /// <summary>True when <see cref="Layers"/> describes the network rather than the MLP shorthand (a method, so binding and fingerprints ignore it).</summary>
    public bool HasLayers() => Layers.Count > 0;

    /// <summary>Parses <see cref="Layers"/>.</summary>
    /// <returns>The definitions, or null with <paramref name="errors"/> holding one line per bad entry, naming its key.</returns>
    public IReadOnlyList<LayerDefinition>? TryParseLayers(out IReadOnlyList<string> errors)
    {
        var definitions = new List<LayerDefinition>(Layers.Count);
        var problems = new List<string>();
        for (int i = 0; i < Layers.Count; i++)
        {
            if (LayerSyntax.TryParse(Layers[i], out LayerDefinition? layer, out string? error))
            {
                definitions.Add(layer!);
            }
            else
            {
                problems.Add($"Model:Layers:{i} (layer {i + 1}) {error}");
            }
        }

        errors = problems;
        return problems.Count == 0 ? definitions : null;
    }

    /// <summary>
    /// The MLP shorthand: inputs, hidden layers, classes, comma-separated ("784,128,64,10"). The first must match the
    /// data's features and the last its classes. Not used when <see cref="Layers"/> has entries. A string, not an
    /// array: the configuration binder appends array items to an array's defaults instead of replacing them, and one
    /// value is easier to override.
    /// </summary>
    public string LayerSizes { get; set; } = "784,128,64,10";

    /// <summary>Parses <see cref="LayerSizes"/>.</summary>
    /// <returns>The sizes, or null with <paramref name="error"/> saying what is wrong.</returns>
    public int[]? TryParseLayerSizes(out string? error)
    {
        // Empty entries are kept: "784,128,,10" is a typo, and dropping the gap would quietly train 784-128-10.
        string[] parts = string.IsNullOrWhiteSpace(LayerSizes) ? [] : LayerSizes.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0)
            {
                error = $"Model:LayerSizes '{LayerSizes}' has an empty size at position {i + 1} (two commas in a row, or one at an end); write the sizes comma-separated, e.g. 784,128,64,10";
                return null;
            }

            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
            {
                error = $"Model:LayerSizes '{LayerSizes}' has '{parts[i]}', which is not a positive whole number; write the sizes comma-separated, e.g. 784,128,64,10";
                return null;
            }

            if (sizes[i] > MaxLayerSize)
            {
                error = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Model:LayerSizes '{LayerSizes}' has a layer of {sizes[i]} units; no layer may have more than {MaxLayerSize}, and the whole network at most {NetworkLimits.MaxStoredValues:N0} weights and biases (what a model file holds)");
                return null;
            }
        }

        if (sizes.Length < 2)
        {
            error = $"Model:LayerSizes '{LayerSizes}' needs at least an input and an output size, e.g. 784,128,64,10";
            return null;
        }

        error = null;
        return sizes;
    }

    /// <summary>The MLP shorthand's hidden activation: one of <see cref="Core.Activations.Activation.Names"/>.</summary>
    public string Activation { get; set; } = "relu";

    /// <summary>The weight initialiser of dense and conv layers: he_normal, xavier_uniform, xavier_normal or zeros.</summary>
    public string Initializer { get; set; } = "he_normal";

    /// <summary>
    /// A model file (.snm or .safetensors) whose weights replace the initialiser's before training starts. Its tensors
    /// must match <see cref="LayerSizes"/> by name and shape. Null or empty: start from the initialiser.
    /// </summary>
    public string? InitFrom { get; set; }

    /// <summary>The MLP shorthand's dropout rate p in [0, 1) after every hidden activation while training; 0 for none. With <see cref="Layers"/>, write "dropout P" entries instead.</summary>
    public float Dropout { get; set; }
}
