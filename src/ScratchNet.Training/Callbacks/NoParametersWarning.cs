using Microsoft.Extensions.Logging;

namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Warns, once at the start, when the network has no trainable parameter (<c>Model:Layers</c> of activations, pooling
/// and flatten only): every epoch then "trains" and reports the same numbers, and nothing else would say that no step
/// can change them. Such a network is valid (it evaluates, and a model file holds it), so this is a warning.
/// </summary>
public sealed partial class NoParametersWarning(ILogger<NoParametersWarning> logger) : ITrainingCallback
{
    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Network.ParameterCount == 0)
        {
            LogNoParameters(logger, NetworkSummary.Compact(context.Network));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The network ({Layers}) has no trainable parameters, so training cannot change what it answers; add a dense or conv layer to Model:Layers")]
    private static partial void LogNoParameters(ILogger logger, string layers);
}
