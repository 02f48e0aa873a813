using ScratchNet.Core.Layers;
using ScratchNet.Dashboard.Live;

namespace ScratchNet.Dashboard;

/// <summary>Describes a network's layers for the page, generically: a name, a kind and an output shape per layer.</summary>
public static class NetworkDescription
{
    public static IReadOnlyList<LayerInfo> Layers(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return [.. network.Layers.Select((layer, i) => new LayerInfo(
            i, layer.Name, Kind(layer), (layer as ActivationLayer)?.Activation.Name, layer.InputSize, layer.OutputSize,
            ShapeOf(layer.OutputShape), layer.Parameters.Sum(p => p.Length)))];
    }

    /// <summary>
    /// The layer's kind by the word the grammar and model files use (<see cref="LayerDefinition.Word"/>: conv, maxpool,
    /// activation, dense, …); a layer the grammar cannot describe shows its type's name and is drawn as a vector.
    /// </summary>
    public static string Kind(ILayer layer) =>
        LayerDefinition.TryOf(layer ?? throw new ArgumentNullException(nameof(layer))) is { } definition
            ? LayerDefinition.Word(definition.Kind)
            : layer.GetType().Name.ToLowerInvariant();

    /// <summary>(units) for a flat row, (channels, height, width) for a feature map: the page draws the latter per channel.</summary>
    public static IReadOnlyList<int> ShapeOf(Shape shape) => shape.IsFlat ? [shape.Size] : [shape.Channels, shape.Height, shape.Width];
}
