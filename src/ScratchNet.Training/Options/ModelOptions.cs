namespace ScratchNet.Training.Options;

/// <summary>The network's shape (section "Model").</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>The widest layer (units): a million, far beyond what trains on one machine.</summary>
    public const int MaxLayerSize = 1 << 20;

    /// <summary>
    /// Inputs, hidden layers, classes, comma-separated ("784,128,64,10"). The first must match the data's
    /// features and the last its classes. A string, not an array: the configuration binder appends array
    /// items to an array's defaults instead of replacing them, and one value is easier to override.
    /// </summary>
    public string LayerSizes { get; set; } = "784,128,64,10";

    /// <summary>Parses <see cref="LayerSizes"/>.</summary>
    /// <returns>The sizes, or null with <paramref name="error"/> saying what is wrong.</returns>
    public int[]? TryParseLayerSizes(out string? error)
    {
        string[] parts = (LayerSizes ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
            {
                error = $"Model:LayerSizes '{LayerSizes}' has '{parts[i]}', which is not a positive whole number; write the sizes comma-separated, e.g. 784,128,64,10";
                return null;
            }

            if (sizes[i] > MaxLayerSize)
            {
                error = $"Model:LayerSizes '{LayerSizes}' has a layer of {sizes[i]} units; the limit is {MaxLayerSize} per layer";
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

    /// <summary>The hidden activation: relu, leaky_relu, sigmoid or tanh.</summary>
    public string Activation { get; set; } = "relu";

    /// <summary>The weight initialiser: he_normal, xavier_uniform, xavier_normal or zeros.</summary>
    public string Initializer { get; set; } = "he_normal";

    /// <summary>
    /// A model file (.snm or .safetensors) whose weights replace the initialiser's before training starts. Its tensors
    /// must match <see cref="LayerSizes"/> by name and shape. Null or empty: start from the initialiser.
    /// </summary>
    public string? InitFrom { get; set; }

    /// <summary>Dropout rate p in [0, 1) after every hidden activation while training; 0 for none.</summary>
    public float Dropout { get; set; }
}
