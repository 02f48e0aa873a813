using System.Globalization;
using System.Text.RegularExpressions;
using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Files;

namespace ScratchNet.Models;

/// <summary>
/// Checks that a loaded model's layers, tensors and configuration agree, before anything is built from them: every kind
/// from the fixed list, every hyper-parameter parsed by the Model:Layers grammar, every shape worked out again from the
/// one before and compared with what the file claims, every tensor present with the shape its layer needs, and the
/// network's size per row under fixed ceilings, so a forged file cannot make the loader allocate without bound.
/// </summary>
internal static partial class ModelStructure
{
    // The ceilings are NetworkLimits', the same the network builder keeps to, so every model train writes loads again.
    public const int MaxLayers = NetworkLimits.MaxLayers;

    /// <returns>The values one row takes summed over every layer's input and output.</returns>
    /// <exception cref="ModelFileException">Names the first disagreement.</exception>
    public static long Check(SavedModel model, string source)
    {
        if (model.Layers.Count == 0)
        {
            throw Invalid(source, "it has no layers");
        }

        if (model.Layers.Count > MaxLayers)
        {
            throw Invalid(source, $"it has {model.Layers.Count} layers, more than the {MaxLayers} a ScratchNet model may have");
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
        var totals = default(NetworkLimits.Totals);
        var needed = new List<(string Name, int[] Shape, bool Variance)>();
        Shape previous = default;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            LayerSpec layer = model.Layers[i];
            if (layer is null || layer.Name is null || !names.Add(layer.Name))
            {
                throw Invalid(source, $"layer {i} has a missing or repeated name");
            }

            if (!LayerName().IsMatch(layer.Name))
            {
                throw Invalid(source, $"layer {i} is named '{Shorten(layer.Name)}'; a layer name is a letter or _ then letters, digits or _, at most 64 of them");
            }

            LayerDefinition definition = Definition(layer, source);
            Shape input = Declared(layer, layer.InputShape, layer.Inputs, "input", source);
            if (i > 0 && input != previous)
            {
                throw Invalid(source, $"layer {layer.Name} expects {input} inputs, but {model.Layers[i - 1].Name} gives {previous}");
            }

            Shape declared = Declared(layer, layer.OutputShape, layer.Outputs, "output", source);
            Shape output = Infer(layer.Name, definition, input, source, ref totals);
            if (declared != output)
            {
                throw Invalid(source, $"layer {layer.Name} ({definition}) turns {input} inputs into {output}, but the file says {declared}");
            }

            foreach ((string name, int[] shape) in TensorsOf(layer.Name, definition, input, output))
            {
                needed.Add((name, shape, definition.Kind == LayerKind.BatchNorm && name.EndsWith(".running_var", StringComparison.Ordinal)));
            }

            previous = output;
        }

        // Every layer keeps to the ceilings before any tensor is looked at, so the first problem named is the same
        // whether or not the tensors are there.
        foreach ((string name, int[] shape, bool variance) in needed)
        {
            RequireTensor(tensors, source, name, shape);
            expected.Add(name);
            if (variance && tensors[name].Data.Any(v => !(v >= 0f) || float.IsInfinity(v)))
            {
                throw Invalid(source, $"tensor {name} holds a value that is negative or not finite; a variance is ≥ 0");
            }
        }

        if (!previous.IsFlat)
        {
            throw Invalid(source, $"its last layer {model.Layers[^1].Name} gives {previous} images, but a model ends in one score per class (a flat vector)");
        }

        string? extra = tensors.Keys.FirstOrDefault(name => !expected.Contains(name));
        if (extra is not null)
        {
            throw Invalid(source, $"tensor {extra} belongs to no layer");
        }

        CheckImageShape(model, source);
        CheckConfiguration(model, source);
        return totals.ValuesPerRow;
    }

    /// <summary>Refuses a forward pass of <paramref name="rows"/> rows whose activations would exceed <see cref="NetworkLimits.MaxBatchValues"/>.</summary>
    public static void CheckRows(long valuesPerRow, int rows, string source)
    {
        if (valuesPerRow * rows > NetworkLimits.MaxBatchValues)
        {
            throw ModelFileException.Model(
                source,
                string.Create(CultureInfo.InvariantCulture, $"takes {valuesPerRow:N0} values per image, too many for {rows:N0} images at once (at most {NetworkLimits.MaxBatchValues:N0} values)"),
                "use fewer rows (Training:EvaluationBatchSize)");
        }
    }

    /// <summary>The layer's definition: parsed from the file's text by the Model:Layers grammar, or, in files written before it was stored, from the kind.</summary>
    /// <exception cref="ModelFileException">The kind is not on the fixed list, the text does not parse, or the two disagree.</exception>
    public static LayerDefinition Definition(LayerSpec layer, string source)
    {
        if (!LayerSpec.Kinds.Contains(layer.Kind, StringComparer.Ordinal))
        {
            throw Invalid(source, $"layer {layer.Name} has the unknown kind '{Shorten(layer.Kind)}'; valid: {string.Join(", ", LayerSpec.Kinds)}");
        }

        if (layer.Kind == LayerSpec.Activation && !Activation.IsKnown(layer.ActivationName))
        {
            throw Invalid(source, $"layer {layer.Name} has the unknown activation '{Shorten(layer.ActivationName)}'; valid: {string.Join(", ", Activation.Names)}");
        }

        if (layer.Definition is null)
        {
            return layer.Kind switch
            {
                LayerSpec.Dense => LayerDefinition.Dense(layer.Outputs),
                LayerSpec.Activation => LayerDefinition.ActivationOf(layer.ActivationName!),
                _ => throw Invalid(source, $"layer {layer.Name} ({layer.Kind}) has no definition, so its hyper-parameters are unknown"),
            };
        }

        if (!LayerSyntax.TryParse(layer.Definition, out LayerDefinition? definition, out string? error))
        {
            throw Invalid(source, $"layer {layer.Name} has the definition {Shorten(error)}");
        }

        if (LayerSpec.KindOf(definition!.Kind) != layer.Kind
            || (layer.Kind == LayerSpec.Activation && !string.Equals(definition.Activation, layer.ActivationName, StringComparison.OrdinalIgnoreCase)))
        {
            throw Invalid(source, $"layer {layer.Name} is of kind {layer.Kind}{(layer.ActivationName is null ? string.Empty : $" ({layer.ActivationName})")}, but its definition '{definition}' is another");
        }

        return definition;
    }

    /// <summary>
    /// The shape a layer gives for <paramref name="input"/>, worked out as the layer's constructor would, without building
    /// it, once the layer keeps to the ceilings every ScratchNet model keeps to (<see cref="NetworkLimits.Step"/>).
    /// <paramref name="totals"/> carries the sums over the layers so far.
    /// </summary>
    /// <exception cref="ModelFileException">The layer is of a kind files do not hold, breaks a ceiling, or does not fit its input.</exception>
    public static Shape Infer(string layer, LayerDefinition definition, Shape input, string source, ref NetworkLimits.Totals totals)
    {
        if (LayerSpec.KindOf(definition.Kind) is null)
        {
            throw Invalid(source, $"layer {layer} is a {definition.Kind} layer, which model files do not hold");
        }

        string? ceiling;
        Shape output;
        try
        {
            ceiling = NetworkLimits.Step(definition, input, ref totals, out output);
        }
        catch (ArgumentException e)
        {
            throw Invalid(source, $"layer {layer} ({definition}) does not fit its {input} inputs: {e.Message}");
        }

        return ceiling is null ? output : throw Invalid(source, $"layer {layer} ({definition}) on {input} inputs: {ceiling}, the most a ScratchNet model may take");
    }

    /// <summary>As <see cref="Infer(string, LayerDefinition, Shape, string, ref NetworkLimits.Totals)"/> for one layer alone.</summary>
    public static Shape Infer(string layer, LayerDefinition definition, Shape input, string source)
    {
        var totals = default(NetworkLimits.Totals);
        return Infer(layer, definition, input, source, ref totals);
    }

    /// <summary>The tensors a layer owns in a file, in order, with their shapes: PyTorch's names after the layer's (weight, bias, running_mean, running_var).</summary>
    public static IEnumerable<(string Name, int[] Shape)> TensorsOf(string layer, LayerDefinition definition, Shape input, Shape output)
    {
        switch (definition.Kind)
        {
            case LayerKind.Dense:
                yield return ($"{layer}.weight", [input.Size, output.Size]);
                yield return ($"{layer}.bias", [output.Size]);
                break;
            case LayerKind.Conv:
                yield return ($"{layer}.weight", [output.Channels, input.Channels, definition.KernelHeight, definition.KernelWidth]);
                yield return ($"{layer}.bias", [output.Channels]);
                break;
            case LayerKind.BatchNorm:
                foreach (string tensor in new[] { "weight", "bias", "running_mean", "running_var" })
                {
                    yield return ($"{layer}.{tensor}", [input.Channels]);
                }

                break;
        }
    }

    /// <summary>A shape from a file, as a <see cref="Shape"/> once its sizes are known to be positive and within the ceilings.</summary>
    /// <param name="what">What the shape is, for the message: "layer conv0 has the input shape".</param>
    public static Shape Validated(RowShape shape, string what, string source) =>
        shape.Channels <= 0 || shape.Height <= 0 || shape.Width <= 0 || shape.Height > NetworkLimits.MaxExtent || shape.Width > NetworkLimits.MaxExtent || shape.Size > NetworkLimits.MaxValuesPerRow
            ? throw Invalid(source, string.Create(CultureInfo.InvariantCulture, $"{what} {shape}; each size must be positive, height and width at most {NetworkLimits.MaxExtent:N0}, all of it at most {NetworkLimits.MaxValuesPerRow:N0} values"))
            : new Shape(shape.Channels, shape.Height, shape.Width);

    // Older files give only a width (a flat row); later ones the (c, h, w) shape, which must agree with it.
    private static Shape Declared(LayerSpec layer, RowShape? shape, int width, string what, string source)
    {
        if (shape is null)
        {
            return width > 0 ? Shape.Flat(width) : throw Invalid(source, $"layer {layer.Name} has {width} {what}s; it must be positive");
        }

        Validated(shape, $"layer {layer.Name} has the {what} shape", source);
        if (shape.Size != width)
        {
            throw Invalid(source, $"layer {layer.Name} has the {what} shape {shape} ({shape.Size} values), but {width} {what}s");
        }

        return new Shape(shape.Channels, shape.Height, shape.Width);
    }

    // The configuration is stored beside the layers; a file whose two halves disagree was edited or forged.
    // The images a flat first layer was trained on hold as many values as it takes; a first layer that takes images names
    // their shape itself, and a second one would only contradict it.
    private static void CheckImageShape(SavedModel model, string source)
    {
        if (model.ImageShape is not { } images)
        {
            return;
        }

        Validated(images, "its image shape is", source);
        Shape input = model.InputShape;
        if (!input.IsFlat || images.Size != input.Size)
        {
            throw Invalid(source, $"its image shape {images} ({images.Size} values) does not fit its first layer {model.Layers[0].Name}, which takes {input} inputs");
        }
    }

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

        CheckConfiguredLayers(model, source);
    }

    // Model:Layers:0, Model:Layers:1, … as the run was configured; dropout entries are not stored, so they are skipped.
    private static void CheckConfiguredLayers(SavedModel model, string source)
    {
        const string Prefix = "Model:Layers:";
        var configured = new SortedDictionary<int, string>();
        foreach ((string key, string value) in model.Configuration)
        {
            if (!key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!int.TryParse(key.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int index) || !configured.TryAdd(index, value))
            {
                throw Invalid(source, $"its configuration has the key {Shorten(key)}, which is not Model:Layers:N");
            }
        }

        if (configured.Count == 0)
        {
            return;
        }

        var kept = new List<string>(configured.Count);
        foreach (string text in configured.Values)
        {
            if (!LayerSyntax.TryParse(text, out LayerDefinition? definition, out string? error))
            {
                throw Invalid(source, $"its configuration's Model:Layers has {Shorten(error)}");
            }

            if (definition!.Kind != LayerKind.Dropout)
            {
                kept.Add(definition.ToString());
            }
        }

        string[] stored = [.. model.Definitions.Select(d => d.ToString())];
        if (!kept.SequenceEqual(stored, StringComparer.Ordinal))
        {
            throw Invalid(source, $"its configuration says Model:Layers = [{Shorten(string.Join(", ", kept))}], but its layers are [{Shorten(string.Join(", ", stored))}] (dropout left out)");
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

    // A forged file may put megabytes into a name; the message quotes only the start.
    private static string Shorten(string? text) => text is null ? "null" : text.Length <= 120 ? text : $"{text[..120]}…";

    private static ModelFileException Invalid(string source, string problem) => new(source, $"is invalid: {problem}");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex LayerName();
}
