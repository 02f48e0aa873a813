using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ScratchNet.Training;
using ScratchNet.Training.Metrics;

using ScratchNet.Host;

namespace ScratchNet.Host.Commands;

/// <summary>Trains, then reports the final metrics and the confusion matrix.</summary>
public sealed partial class TrainCommand(ITrainer trainer, ILogger<TrainCommand> logger) : ICommand
{
    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        await TrainAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    public async Task<TrainingResult> TrainAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TrainingResult result = await trainer.TrainAsync(cancellationToken).ConfigureAwait(false);
        EvaluationResult final = result.FinalValidation;
        double trainSeconds = result.History.Sum(e => e.TrainSeconds);
        LogFinal(logger, result.History.Count, final.Loss, final.Accuracy, trainSeconds / Math.Max(1, result.History.Count), clock.Elapsed.TotalSeconds);
        LogConfusion(logger, ConfusionMatrixTable.Format(final.ConfusionMatrix, result.ClassNames));
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Finished {Epochs} epochs: val_loss={ValLoss:F4} val_acc={ValAccuracy:F4} mean_epoch={MeanEpochSeconds:F3}s total={TotalSeconds:F1}s")]
    private static partial void LogFinal(ILogger logger, int epochs, double valLoss, double valAccuracy, double meanEpochSeconds, double totalSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confusion matrix on the validation split (rows true, columns predicted):\n{ConfusionMatrix}")]
    private static partial void LogConfusion(ILogger logger, string confusionMatrix);
}
