using Microsoft.Extensions.Logging;
using ScratchNet.Training.Results;

namespace ScratchNet.Training.Callbacks;

/// <summary>Logs one structured event per epoch: the console shows it as a line, the CLEF file keeps the properties.</summary>
public sealed partial class EpochLogger(ILogger<EpochLogger> logger) : ITrainingCallback
{
    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Core.Layers.Sequential network = context.Network;
        LogSummary(logger, network.Layers.Count, Plural(network.Layers.Count, "layer"), context.Dataset.InputShape.ToString(), network.ParameterCount, network.StateCount,
            NetworkSummary.Format(network, context.Dataset.InputShape));
        LogStart(logger, context.Dataset.Name, context.Dataset.Train.Count, context.Dataset.Validation.Count, context.Dataset.HeldOutName, NetworkSummary.Compact(network),
            network.ParameterCount, context.Optimizer.Name, context.Optimizer.LearningRate, context.Epochs, Plural(context.Epochs, "epoch"), context.BatchesPerEpoch, Plural(context.BatchesPerEpoch, "batch"));
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        LogEpoch(logger, metrics.Epoch, metrics.TrainLoss, metrics.TrainAccuracy, metrics.ValidationLoss, metrics.ValidationAccuracy, metrics.TrainSeconds, metrics.EvaluationSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Network of {LayerCount} {LayerNoun} on {InputShape} inputs, {TrainableParameters:N0} trainable and {NonTrainableParameters:N0} non-trainable parameters:\n{Summary}")]
    private static partial void LogSummary(ILogger logger, int layerCount, string layerNoun, string inputShape, long trainableParameters, long nonTrainableParameters, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training on {Dataset}: {TrainCount} train / {ValidationCount} {HeldOut} rows, layers {Layers} ({ParameterCount:N0} parameters), {Optimizer} lr={LearningRate}, {Epochs} {EpochNoun} of {Batches} {BatchNoun}")]
    private static partial void LogStart(ILogger logger, string dataset, int trainCount, int validationCount, string heldOut, string layers, long parameterCount, string optimizer, float learningRate, int epochs, string epochNoun, int batches, string batchNoun);

    /// <summary>"epoch" or "epochs", "batch" or "batches": a log line reads "1 epoch of 1 batch", not "1 epochs of 1 batches".</summary>
    public static string Plural(long count, string noun) => count == 1 ? noun : noun == "batch" ? "batches" : noun + "s";

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch={Epoch:000} train_loss={TrainLoss:F4} train_acc={TrainAccuracy:F4} val_loss={ValLoss:F4} val_acc={ValAccuracy:F4} time={EpochSeconds:F3}s eval={EvalSeconds:F3}s")]
    private static partial void LogEpoch(ILogger logger, int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy, double epochSeconds, double evalSeconds);
}
