using System.Globalization;
using System.Text.RegularExpressions;
using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;

namespace ScratchNet.Models;

/// <summary>
/// Checks that a loaded model's layers, tensors and configuration agree, before anything is built from them: every kind
/// from the fixed list, every hyper-parameter parsed by the Model:Layers grammar, every shape worked out again from the
/// one before and compared with what the file claims, every tensor present with the shape its layer needs, and the
/// network's size per row under fixed ceilings, so a forged file cannot make the loader allocate without bound.
/// </summary>
internal static partial class ModelStructure
{
    /// <summary>More layers than this is not a model ScratchNet wrote.</summary>
    public const int MaxLayers = 1024;

    /// <summary>A height, width, kernel size, stride or padding above this is refused (it keeps every sum of them far from overflow).</summary>
    public const int MaxExtent = 1 << 16;

    /// <summary>
    /// The most values one row may take summed over every layer's input and output (64 MB of floats). Images do not tie a
    /// network's activations to its file size (a 3x3 filter fits any image), so this bound does; the recipe's CNN needs ~88,000.
    /// </summary>
    public const long MaxValuesPerRow = 1 << 24;

    /// <summary>The most values a convolution's unfolded image (C·kH·kW × OutH·OutW) may take.</summary>
    public const long MaxUnfoldedValues = 1 << 24;

    /// <summary>The most activation values one forward pass may hold (rows × values per row: 4 GB of floats).</summary>
    public const long MaxBatchValues = 1L << 30;

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
        long valuesPerRow = 0;
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
            Shape output = Infer(layer.Name, definition, input, source, out double unfolded);
            if (declared != output)
            {
                throw Invalid(source, $"layer {layer.Name} ({definition}) turns {input} inputs into {output}, but the file says {declared}");
            }

            valuesPerRow += input.Size + (long)output.Size;
            if (valuesPerRow > MaxValuesPerRow || unfolded > MaxUnfoldedValues)
            {
                throw Invalid(source, string.Create(CultureInfo.InvariantCulture,
                    $"its layers up to {layer.Name} take {Math.Max(valuesPerRow, unfolded):N0} values per image, more than the {MaxValuesPerRow:N0} a ScratchNet model may take"));
            }

            foreach ((string name, int[] shape) in TensorsOf(layer.Name, definition, input, output))
            {
                RequireTensor(tensors, source, name, shape);
                expected.Add(name);
            }

            if (definition.Kind == LayerKind.BatchNorm && tensors[$"{layer.Name}.running_var"].Data.Any(v => !(v >= 0f) || float.IsInfinity(v)))
            {
                throw Invalid(source, $"tensor {layer.Name}.running_var holds a value that is negative or not finite; a variance is ≥ 0");
            }

            previous = output;
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

        CheckConfiguration(model, source);
        return valuesPerRow;
    }

    /// <summary>Refuses a forward pass of <paramref name="rows"/> rows whose activations would exceed <see cref="MaxBatchValues"/>.</summary>
    public static void CheckRows(long valuesPerRow, int rows, string source)
    {
        if (valuesPerRow * rows > MaxBatchValues)
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture,
                $"The model {source} takes {valuesPerRow:N0} values per image, too many for {rows:N0} images at once (at most {MaxBatchValues:N0} values); use fewer rows (Training:EvaluationBatchSize)."));
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
    /// it. <paramref name="unfolded"/> is a convolution's unfolded image size (C·kH·kW × OutH·OutW), else 0.
    /// </summary>
    /// <exception cref="ModelFileException">The layer does not fit its input.</exception>
    public static Shape Infer(string layer, LayerDefinition definition, Shape input, string source, out double unfolded)
    {
        unfolded = 0;
        switch (definition.Kind)
        {
            case LayerKind.Conv:
                Window2D convolution = Window(layer, definition, input, definition.Stride ?? 1, definition.Padding, source);
                unfolded = (double)input.Channels * definition.KernelHeight * definition.KernelWidth * convolution.OutHeight * convolution.OutWidth;
                return new Shape(definition.Size, convolution.OutHeight, convolution.OutWidth);
            case LayerKind.MaxPool or LayerKind.AvgPool:
                Window2D pool = Window(layer, definition, input, definition.Stride ?? definition.KernelHeight, padding: 0, source);
                return new Shape(input.Channels, pool.OutHeight, pool.OutWidth);
            case LayerKind.BatchNorm or LayerKind.Activation:
                return input;
            case LayerKind.Flatten:
                return Shape.Flat(input.Size);
            case LayerKind.Dense:
                return input.IsFlat
                    ? Shape.Flat(definition.Size)
                    : throw Invalid(source, $"layer {layer} ({definition}) gets {input} images, but a dense layer takes flat vectors");
            default:
                throw Invalid(source, $"layer {layer} is a {definition.Kind} layer, which model files do not hold");
        }
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

    private static Window2D Window(string layer, LayerDefinition definition, Shape input, int stride, int padding, string source)
    {
        int[] extents = [input.Height, input.Width, definition.KernelHeight, definition.KernelWidth, stride, padding];
        if (extents.Any(e => e > MaxExtent) || (definition.Kind == LayerKind.Conv && definition.Size > MaxExtent))
        {
            throw Invalid(source, $"layer {layer} ({definition}) on {input} inputs has a size above {MaxExtent}");
        }

        try
        {
            return new Window2D(input.Channels, input.Height, input.Width, definition.KernelHeight, definition.KernelWidth, stride, padding);
        }
        catch (ArgumentException e)
        {
            throw Invalid(source, $"layer {layer} ({definition}) does not fit its input: {e.Message}");
        }
    }

    /// <summary>A shape from a file, as a <see cref="Shape"/> once its sizes are known to be positive and within the ceilings.</summary>
    /// <param name="what">What the shape is, for the message: "layer conv0 has the input shape".</param>
    public static Shape Validated(RowShape shape, string what, string source) =>
        shape.Channels <= 0 || shape.Height <= 0 || shape.Width <= 0 || shape.Height > MaxExtent || shape.Width > MaxExtent || shape.Size > MaxValuesPerRow
            ? throw Invalid(source, string.Create(CultureInfo.InvariantCulture, $"{what} {shape}; each size must be positive, height and width at most {MaxExtent:N0}, all of it at most {MaxValuesPerRow:N0} values"))
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

    private static ModelFileException Invalid(string source, string problem) => new($"The model file {source} is invalid: {problem}.");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex LayerName();
}
