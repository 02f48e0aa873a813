using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Layers;

/// <summary>
/// The one place a <see cref="LayerDefinition"/> becomes a live layer: <see cref="NetworkBuilder"/> builds a network to
/// train with it, and a model file's loader the network it describes.
/// </summary>
public static class LayerFactory
{
    /// <summary>The layer, with zero weights: a caller training it initialises conv and dense layers, a loader copies its tensors in.</summary>
    /// <param name="team">Threads dense products and convolutions may be split over (null: one thread).</param>
    /// <param name="dropoutSeed">A dropout layer's own generator's seed; the other kinds ignore it.</param>
    /// <exception cref="ArgumentException">The definition does not fit <paramref name="input"/>, a size is not positive, or the kind or activation is unknown.</exception>
    public static ILayer Create(LayerDefinition definition, string name, Shape input, int capacity, ComputeTeam? team = null, ulong dropoutSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(definition);
        LayerDefinition d = definition;
        return d.Kind switch
        {
            LayerKind.Conv => new Conv2D(name, input, d.Size, d.KernelHeight, d.KernelWidth, d.Stride ?? 1, d.Padding, capacity, team),
            LayerKind.MaxPool => new MaxPool2D(name, input, d.KernelHeight, d.Stride, capacity),
            LayerKind.AvgPool => new AvgPool2D(name, input, d.KernelHeight, d.Stride, capacity),
            LayerKind.BatchNorm => new BatchNorm(name, input, capacity),
            LayerKind.Dropout => new Dropout(name, input, d.Rate, dropoutSeed, capacity),
            LayerKind.Activation => new ActivationLayer(name, Activation.Create(d.Activation ?? string.Empty), input, capacity),
            LayerKind.Flatten => new Flatten(name, input, capacity),
            LayerKind.Dense => new Dense(name, input.Size, d.Size, capacity, team),
            _ => throw new ArgumentException($"{d.Kind} is a layer kind LayerFactory.Create cannot build; add it there", nameof(definition)),
        };
    }

    /// <summary>
    /// The prefix <see cref="NetworkBuilder"/> names a layer by, followed by its count among layers of that prefix:
    /// the kind's word, but bn for batch norm and an activation's own name (conv0, bn0, relu1).
    /// </summary>
    public static string Prefix(LayerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Kind switch
        {
            LayerKind.BatchNorm => "bn",
            LayerKind.Activation => (definition.Activation ?? string.Empty).ToLowerInvariant(),
            _ => LayerDefinition.Word(definition.Kind),
        };
    }
}
