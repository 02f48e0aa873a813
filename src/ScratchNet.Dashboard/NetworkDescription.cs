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

    /// <summary>The layer's kind by the closed list the page knows; any other layer shows its type's name and is drawn as a vector.</summary>
    public static string Kind(ILayer layer) => layer switch
    {
        Dense => "dense",
        ActivationLayer => "activation",
        Dropout => "dropout",
        Conv2D => "conv2d",
        MaxPool2D => "maxpool",
        AvgPool2D => "avgpool",
        BatchNorm => "batchnorm",
        Flatten => "flatten",
        _ => layer.GetType().Name.ToLowerInvariant(),
    };

    /// <summary>(units) for a flat row, (channels, height, width) for a feature map: the page draws the latter per channel.</summary>
    public static IReadOnlyList<int> ShapeOf(Shape shape) => shape.IsFlat ? [shape.Size] : [shape.Channels, shape.Height, shape.Width];
}
