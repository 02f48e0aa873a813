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
            [layer.OutputSize], layer.Parameters.Sum(p => p.Length)))];
    }

    /// <summary>The layer's kind by the closed list the page knows; any other layer shows its type's name and is drawn as a vector.</summary>
    public static string Kind(ILayer layer) => layer switch
    {
        Dense => "dense",
        ActivationLayer => "activation",
        Dropout => "dropout",
        _ => layer.GetType().Name.ToLowerInvariant(),
    };

    /// <summary>The side of a square image of <paramref name="features"/> pixels (28 for 784), or 0 when it is not a square.</summary>
    public static int ImageSide(int features)
    {
        int side = (int)Math.Round(Math.Sqrt(features));
        return side * side == features ? side : 0;
    }
}
