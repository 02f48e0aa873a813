using System.Globalization;

namespace ScratchNet.Models.Safetensors;

/// <summary>
/// Maps a <see cref="SavedModel"/> onto safetensors: the tensors under their ScratchNet names (<c>dense0.weight</c> is
/// (in, out), so y = x @ weight + bias), the architecture and manifest as <c>scratchnet.*</c> metadata, and the
/// configuration as metadata under its own keys (<c>Model:LayerSizes</c>, …).
/// </summary>
public static class SafetensorsModel
{
    public const string LayerSizesKey = "scratchnet.layer_sizes";
    public const string ActivationKey = "scratchnet.activation";
    public const string LayoutKey = "scratchnet.layout";
    public const string SeedKey = "scratchnet.seed";
    public const string DatasetKey = "scratchnet.dataset_sha256";
    public const string CodeVersionKey = "scratchnet.code_version";
    public const string CreatedKey = "scratchnet.created_utc";

    public const string Layout = "y = x @ weight + bias; weight is (in, out), row-major float32; ReLU etc. between dense layers; softmax after the last";

    public static void Write(SavedModel model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        var metadata = new Dictionary<string, string>(model.Configuration, StringComparer.Ordinal)
        {
            [LayerSizesKey] = string.Join(",", model.LayerSizes),
            [LayoutKey] = Layout,
        };
        if (model.Activation is { } activation)
        {
            metadata[ActivationKey] = activation;
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
    /// Rebuilds the model from a file this class wrote (or one with the same metadata and tensor names). The layers
    /// follow <c>Sequential.Mlp</c>'s naming: dense{i}, then {activation}{i} after every dense layer but the last.
    /// </summary>
    /// <exception cref="ModelFileException">The file lacks the architecture metadata, or it disagrees with the tensors.</exception>
    public static SavedModel ToModel(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata, string source)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(LayerSizesKey, out string? sizesText))
        {
            throw new ModelFileException(
                $"The safetensors file {source} has no {LayerSizesKey} metadata, so its architecture is unknown; use it with --Model:InitFrom={source} and --Model:LayerSizes instead.");
        }

        string[] parts = sizesText.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
            {
                throw new ModelFileException($"The safetensors file {source} has {LayerSizesKey}='{sizesText}', which is not a list of positive sizes.");
            }
        }

        if (sizes.Length < 2)
        {
            throw new ModelFileException($"The safetensors file {source} has {LayerSizesKey}='{sizesText}'; it needs at least an input and an output size.");
        }

        string activation = metadata.GetValueOrDefault(ActivationKey, "relu");
        var layers = new List<LayerSpec>();
        for (int i = 0; i < sizes.Length - 1; i++)
        {
            layers.Add(new LayerSpec(LayerSpec.Dense, $"dense{i}", sizes[i], sizes[i + 1]));
            if (i < sizes.Length - 2)
            {
                layers.Add(new LayerSpec(LayerSpec.Activation, $"{activation}{i}", sizes[i + 1], sizes[i + 1], activation));
            }
        }

        var configuration = metadata.Where(p => !p.Key.StartsWith("scratchnet.", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);
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
        var model = new SavedModel(layers, normalised, configuration, manifest);
        ModelStructure.Check(model, source);
        return model;
    }
}
