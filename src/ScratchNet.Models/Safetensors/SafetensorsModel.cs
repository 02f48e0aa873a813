using System.Globalization;
using System.Text.Json;
using ScratchNet.Core.Layers;

namespace ScratchNet.Models.Safetensors;

/// <summary>
/// Maps a <see cref="SavedModel"/> onto safetensors: the tensors under their ScratchNet names and layouts (<c>conv0.weight</c>
/// (out, in, kH, kW) as PyTorch's; <c>dense0.weight</c> (in, out), so y = x @ weight + bias, the transpose of nn.Linear's;
/// <c>bn0.running_mean</c> …), the architecture and manifest as <c>scratchnet.*</c> metadata, and the configuration as
/// metadata under its own keys (<c>Model:Layers:0</c>, …).
/// </summary>
/// <remarks>
/// The architecture is <c>scratchnet.input_shape</c> ("1,28,28") and <c>scratchnet.layers</c>, each layer as
/// <c>name: definition</c> in the Model:Layers grammar, separated by "; " ("conv0: conv 16 3x3 pad 1; relu0: relu; …").
/// An MLP also gets <c>scratchnet.layer_sizes</c> and <c>scratchnet.activation</c>, all that files written before
/// convolutional networks carry (and all that builds of that time read). Two keys are written only when they say
/// something (builds before them ignore them): <c>scratchnet.image_shape</c> ("1,12,20"), the images an MLP's flat rows were
/// made from when they were no square (<see cref="SavedModel.ImageShape"/>), and <c>scratchnet.data_history</c>, a JSON list
/// of the data earlier runs trained the weights on (<see cref="SavedModel.DataHistory"/>).
/// </remarks>
public static class SafetensorsModel
{
    public const string LayerSizesKey = "scratchnet.layer_sizes";
    public const string ActivationKey = "scratchnet.activation";
    public const string LayersKey = "scratchnet.layers";
    public const string InputShapeKey = "scratchnet.input_shape";
    public const string ImageShapeKey = "scratchnet.image_shape";
    public const string DataHistoryKey = "scratchnet.data_history";
    public const string LayoutKey = "scratchnet.layout";
    public const string SeedKey = "scratchnet.seed";
    public const string DatasetKey = "scratchnet.dataset_sha256";
    public const string CodeVersionKey = "scratchnet.code_version";
    public const string CreatedKey = "scratchnet.created_utc";

    public const string Layout =
        "NCHW float32, row-major; conv weight (out, in, kH, kW) as torch.nn.Conv2d; dense: y = x @ weight + bias with weight (in, out), the transpose of torch.nn.Linear; batchnorm weight/bias/running_mean/running_var (channels) as torch.nn.BatchNorm; flatten as torch.flatten(x, 1); softmax after the last layer";

    public static void Write(SavedModel model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelStructure.Check(model, "(model to write)");
        Shape input = model.InputShape;
        var metadata = new Dictionary<string, string>(model.Configuration, StringComparer.Ordinal)
        {
            [LayersKey] = string.Join("; ", model.Layers.Zip(model.Definitions, (l, d) => $"{l.Name}: {d}")),
            [InputShapeKey] = string.Create(CultureInfo.InvariantCulture, $"{input.Channels},{input.Height},{input.Width}"),
            [LayoutKey] = Layout,
        };
        if (model.IsMlp)
        {
            metadata[LayerSizesKey] = string.Join(",", model.LayerSizes);
            if (model.Activation is { } activation)
            {
                metadata[ActivationKey] = activation;
            }
        }

        if (model.ImageShape is { } image)
        {
            metadata[ImageShapeKey] = string.Create(CultureInfo.InvariantCulture, $"{image.Channels},{image.Height},{image.Width}");
        }

        if (model.DataHistory.Count > 0)
        {
            metadata[DataHistoryKey] = JsonSerializer.Serialize(model.DataHistory, Json);
        }

        if (model.Manifest is { } manifest)
        {
            metadata[SeedKey] = manifest.Seed.ToString(CultureInfo.InvariantCulture);
            metadata[DatasetKey] = manifest.DatasetSha256;
            metadata[CodeVersionKey] = manifest.CodeVersion;
            metadata[CreatedKey] = manifest.CreatedUtc;
        }

        SafetensorsFormat.Write(model.Tensors, metadata, destination);
    }

    /// <summary>
    /// Rebuilds the model from a file this class wrote (or one with the same metadata and tensor names): from
    /// <c>scratchnet.layers</c> when present, else from <c>scratchnet.layer_sizes</c> with <c>Sequential.Mlp</c>'s naming
    /// (dense{i}, then {activation}{i} after every dense layer but the last).
    /// </summary>
    /// <exception cref="ModelFileException">The file lacks the architecture metadata, or it disagrees with the tensors.</exception>
    public static SavedModel ToModel(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata, string source)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        List<LayerSpec> layers = metadata.TryGetValue(LayersKey, out string? layersText)
            ? Layers(layersText, metadata.GetValueOrDefault(InputShapeKey), source)
            : metadata.TryGetValue(LayerSizesKey, out string? sizesText)
                ? MlpLayers(sizesText, metadata.GetValueOrDefault(ActivationKey, "relu"), source)
                : throw ModelFileException.Safetensors(
                    source,
                    $"has no {LayersKey} or {LayerSizesKey} metadata, so its architecture is unknown",
                    $"use it with --Model:InitFrom={ModelFileException.FileName} and Model:Layers (or Model:LayerSizes) instead");

        Dictionary<string, string> configuration = Configuration(metadata);
        RunManifest? manifest = metadata.TryGetValue(DatasetKey, out string? dataset)
            ? new RunManifest(
                int.TryParse(metadata.GetValueOrDefault(SeedKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : 0,
                dataset,
                metadata.GetValueOrDefault(CodeVersionKey, ""),
                metadata.GetValueOrDefault(CreatedKey, ""))
            : null;

        // Biases may come as (1, out) from other tools; the structure check wants (out).
        var normalised = tensors.Select(t => t.Shape.Count == 2 && t.Shape[0] == 1 && t.Name.EndsWith(".bias", StringComparison.Ordinal)
            ? t with { Shape = [t.Shape[1]] }
            : t).ToList();
        var model = new SavedModel(layers, normalised, configuration, manifest)
        {
            ImageShape = metadata.TryGetValue(ImageShapeKey, out string? imageText) ? RowShapeOf(imageText, ImageShapeKey, source) : null,
            DataHistory = DataHistory(metadata, source),
        };
        ModelStructure.Check(model, source);
        if (metadata.TryGetValue(LayerSizesKey, out string? sizes) && layersText is not null
            && !string.Equals(string.Join(",", sizes.Split(',', StringSplitOptions.TrimEntries)), string.Join(",", model.LayerSizes), StringComparison.Ordinal))
        {
            throw Invalid(source, $"its {LayerSizesKey} '{sizes}' disagrees with its {LayersKey}");
        }

        return model;
    }

    /// <summary>The data history among a file's metadata (<see cref="SavedModel.DataHistory"/>); empty when it records none.</summary>
    /// <exception cref="ModelFileException">The history is not a list of entries.</exception>
    public static IReadOnlyList<DataHistoryEntry> DataHistory(IReadOnlyDictionary<string, string> metadata, string source)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(DataHistoryKey, out string? text))
        {
            return [];
        }

        List<DataHistoryEntry?>? history;
        try
        {
            history = JsonSerializer.Deserialize<List<DataHistoryEntry?>>(text, Json);
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"its {DataHistoryKey} is not a JSON list of entries ({e.Message})");
        }

        return history is null ? throw Invalid(source, $"its {DataHistoryKey} is null")
            : DataHistoryEntry.Problem(history) is { } problem ? throw Invalid(source, problem)
            : [.. history!];
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = 8 };

    /// <summary>The run configuration among a file's metadata: every key but ScratchNet's own <c>scratchnet.*</c>.</summary>
    public static Dictionary<string, string> Configuration(IReadOnlyDictionary<string, string> metadata) =>
        metadata.Where(p => !p.Key.StartsWith("scratchnet.", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);

    // "conv0: conv 16 3x3 pad 1; relu0: relu; …" on an input of "1,28,28": each layer's shapes worked out from the one before.
    private static List<LayerSpec> Layers(string text, string? inputText, string source)
    {
        Shape shape = ModelStructure.Validated(RowShapeOf(inputText, InputShapeKey, source), $"its {InputShapeKey} is", source);
        string[] entries = text.Split(';', StringSplitOptions.TrimEntries);
        if (entries.Length > ModelStructure.MaxLayers)
        {
            throw Invalid(source, $"its {LayersKey} lists {entries.Length} layers, more than the {ModelStructure.MaxLayers} a ScratchNet model may have");
        }

        var layers = new List<LayerSpec>(entries.Length);
        foreach (string entry in entries)
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            LayerDefinition? definition = null;
            string? error = colon <= 0 ? "no name before ':'"
                : !LayerSyntax.TryParse(entry[(colon + 1)..], out definition, out string? syntax) ? syntax
                : LayerSpec.KindOf(definition!.Kind) is null ? $"model files do not hold {definition.Kind} layers"
                : null;
            if (error is not null)
            {
                throw Invalid(source, $"its {LayersKey} entry '{(entry.Length > 120 ? entry[..120] : entry)}' is not 'name: layer' ({(error.Length > 200 ? error[..200] : error)})");
            }

            string name = entry[..colon].Trim();
            Shape output = ModelStructure.Infer(name, definition!, shape, source);
            ModelStructure.Validated(RowShape.From(output), $"its layer {name} ({definition}) gives", source);
            layers.Add(LayerSpec.Of(name, definition!, shape, output));
            shape = output;
        }

        return layers;
    }

    // "1,28,28": three whole numbers, checked for size by the structure check.
    private static RowShape RowShapeOf(string? text, string key, string source)
    {
        string[] parts = text?.Split(',', StringSplitOptions.TrimEntries) ?? [];
        var numbers = new int[3];
        bool ok = parts.Length == 3;
        for (int i = 0; ok && i < 3; i++)
        {
            ok = int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]);
        }

        return ok ? new RowShape(numbers[0], numbers[1], numbers[2])
            : throw Invalid(source, $"its {key} is '{text}', but it must be three whole numbers: channels,height,width");
    }

    private static List<LayerSpec> MlpLayers(string sizesText, string activation, string source)
    {
        string[] parts = sizesText.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
            {
                throw ModelFileException.Safetensors(source, $"has {LayerSizesKey}='{sizesText}', which is not a list of positive sizes");
            }
        }

        if (sizes.Length < 2)
        {
            throw ModelFileException.Safetensors(source, $"has {LayerSizesKey}='{sizesText}'; it needs at least an input and an output size");
        }

        var layers = new List<LayerSpec>();
        for (int i = 0; i < sizes.Length - 1; i++)
        {
            layers.Add(new LayerSpec(LayerSpec.Dense, $"dense{i}", sizes[i], sizes[i + 1]));
            if (i < sizes.Length - 2)
            {
                layers.Add(new LayerSpec(LayerSpec.Activation, $"{activation}{i}", sizes[i + 1], sizes[i + 1], activation));
            }
        }

        return layers;
    }

    private static ModelFileException Invalid(string source, string problem) => ModelFileException.Safetensors(source, $"is invalid: {problem}");
}
