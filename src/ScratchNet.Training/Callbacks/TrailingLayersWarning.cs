using Microsoft.Extensions.Logging;
using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Warns, once at the start, when a network ends in an activation or dropout after its last dense or conv layer
/// (<c>flatten | dense 10 | relu</c>): the loss applies softmax to the last layer's outputs itself, so the class scores
/// are squashed (a ReLU's never fall below 0, so the loss keeps a floor) or dropped at random before it. Such a network
/// trains, as in PyTorch, so this is a warning; <c>softmax</c> as a layer is refused (<see cref="LayerSyntax"/>), since the
/// loss would apply it twice.
/// </summary>
public sealed partial class TrailingLayersWarning(ILogger<TrailingLayersWarning> logger) : ITrainingCallback
{
    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Trailing(context.Network) is { Count: > 0 } trailing)
        {
            LogTrailing(logger, string.Join(", ", trailing), LastWeighted(context.Network)!.Name);
        }
    }

    /// <summary>The names of the activation and dropout layers after the network's last dense or conv layer (none without one).</summary>
    public static IReadOnlyList<string> Trailing(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (LastWeighted(network) is not { } last)
        {
            return [];
        }

        return [.. network.Layers.SkipWhile(l => !ReferenceEquals(l, last)).Skip(1)
            .Where(l => LayerDefinition.TryOf(l)?.Kind is LayerKind.Activation or LayerKind.Dropout).Select(l => l.Name)];
    }

    // Batch norm's γ and β are weights too, but a scale and shift of the scores is what a last dense layer gives as well.
    private static ILayer? LastWeighted(Sequential network) =>
        network.Layers.LastOrDefault(l => LayerDefinition.TryOf(l)?.Kind is LayerKind.Dense or LayerKind.Conv);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The network ends in {Layers} after its last weighted layer {Last}: the loss applies softmax to the last layer's outputs itself, so the class scores pass through them first (an activation squashes them, a relu's never fall below 0; dropout zeroes some at random while training); end Model:Layers at {Last} unless this is meant")]
    private static partial void LogTrailing(ILogger logger, string layers, string last);
}
