using ScratchNet.Core.Activations;

namespace ScratchNet.Models;

/// <summary>Checks that a loaded model's layers, tensors and configuration agree, before anything is built from them.</summary>
internal static class ModelStructure
{
    /// <exception cref="ModelFileException">Names the first disagreement.</exception>
    public static void Check(SavedModel model, string source)
    {
        if (model.Layers.Count == 0)
        {
            throw Invalid(source, "it has no layers");
        }

        var tensors = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (NamedTensor tensor in model.Tensors)
        {
            if (!tensors.TryAdd(tensor.Name, tensor))
            {
                throw Invalid(source, $"tensor {tensor.Name} appears twice");
            }
        }

        var expected = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            LayerSpec layer = model.Layers[i];
            if (layer.Name is null || !names.Add(layer.Name))
            {
                throw Invalid(source, $"layer {i} has a missing or repeated name");
            }

            if (layer.Inputs <= 0 || layer.Outputs <= 0)
            {
                throw Invalid(source, $"layer {layer.Name} has {layer.Inputs} inputs and {layer.Outputs} outputs; both must be positive");
            }

            if (i > 0 && layer.Inputs != model.Layers[i - 1].Outputs)
            {
                throw Invalid(source, $"layer {layer.Name} expects {layer.Inputs} inputs, but {model.Layers[i - 1].Name} gives {model.Layers[i - 1].Outputs}");
            }

            switch (layer.Kind)
            {
                case LayerSpec.Dense:
                    RequireTensor(tensors, source, $"{layer.Name}.weight", [layer.Inputs, layer.Outputs]);
                    RequireTensor(tensors, source, $"{layer.Name}.bias", [layer.Outputs]);
                    expected.Add($"{layer.Name}.weight");
                    expected.Add($"{layer.Name}.bias");
                    break;
                case LayerSpec.Activation:
                    if (!Activation.IsKnown(layer.ActivationName))
                    {
                        throw Invalid(source, $"layer {layer.Name} has the unknown activation '{layer.ActivationName}'; valid: {string.Join(", ", Activation.Names)}");
                    }

                    if (layer.Inputs != layer.Outputs)
                    {
                        throw Invalid(source, $"activation layer {layer.Name} has {layer.Inputs} inputs but {layer.Outputs} outputs");
                    }

                    break;
                default:
                    throw Invalid(source, $"layer {layer.Name} has the unknown kind '{layer.Kind}'; valid: {LayerSpec.Dense}, {LayerSpec.Activation}");
            }
        }

        if (model.Layers[^1].Kind != LayerSpec.Dense)
        {
            throw Invalid(source, $"its last layer {model.Layers[^1].Name} is not a dense layer");
        }

        string? extra = tensors.Keys.FirstOrDefault(name => !expected.Contains(name));
        if (extra is not null)
        {
            throw Invalid(source, $"tensor {extra} belongs to no layer");
        }

        CheckConfiguration(model, source);
    }

    // The configuration is stored beside the layers; a file whose two halves disagree was edited or forged.
    private static void CheckConfiguration(SavedModel model, string source)
    {
        string sizes = string.Join(",", model.LayerSizes);
        if (model.Configuration.TryGetValue("Model:LayerSizes", out string? configured)
            && !string.Equals(string.Join(",", configured.Split(',', StringSplitOptions.TrimEntries)), sizes, StringComparison.Ordinal))
        {
            throw Invalid(source, $"its configuration says Model:LayerSizes={configured}, but its layers are {sizes}");
        }

        if (model.Activation is { } activation
            && model.Configuration.TryGetValue("Model:Activation", out string? configuredActivation)
            && !string.Equals(configuredActivation, activation, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(source, $"its configuration says Model:Activation={configuredActivation}, but its layers use {activation}");
        }
    }

    private static void RequireTensor(Dictionary<string, NamedTensor> tensors, string source, string name, int[] shape)
    {
        if (!tensors.TryGetValue(name, out NamedTensor? tensor))
        {
            throw Invalid(source, $"tensor {name} is missing");
        }

        if (!tensor.Shape.SequenceEqual(shape))
        {
            throw Invalid(source, $"tensor {name} has shape {tensor.ShapeText}, but its layer needs ({string.Join(", ", shape)})");
        }
    }

    private static ModelFileException Invalid(string source, string problem) => new($"The model file {source} is invalid: {problem}.");
}
