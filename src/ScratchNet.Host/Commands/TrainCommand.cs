using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Training;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Options;
using ScratchNet.Training.Metrics;

using ScratchNet.Host;

namespace ScratchNet.Host.Commands;

/// <summary>Trains, then reports the final metrics and the confusion matrix.</summary>
public sealed partial class TrainCommand(
    ITrainer trainer,
    ILogger<TrainCommand> logger,
    IOptions<CheckpointOptions>? checkpoints = null,
    ConfigurationFingerprint? fingerprint = null) : ICommand
{
    /// <summary>Serve the live dashboard while training (Dashboard:Enabled=true).</summary>
    public static readonly CommandOption DashboardOption = new("dashboard", null, "serve the live dashboard while training (http://127.0.0.1:5757/; Dashboard:Port, Dashboard:Address)");

    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        Checkpoint? resumeFrom = null;
        if (checkpoints is not null && fingerprint is not null && ResumePoint.Find(commandLine, checkpoints.Value, fingerprint) is { } found)
        {
            LogResume(logger, found.Path, found.Checkpoint.Epoch, found.Checkpoint.Batch);
            resumeFrom = found.Checkpoint;
        }

        await TrainAsync(cancellationToken, resumeFrom).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    public async Task<TrainingResult> TrainAsync(CancellationToken cancellationToken, Checkpoint? resumeFrom = null)
    {
        var clock = Stopwatch.StartNew();
        TrainingResult result = await trainer.TrainAsync(resumeFrom, cancellationToken).ConfigureAwait(false);
        EvaluationResult final = result.FinalValidation;
        double trainSeconds = result.History.Sum(e => e.TrainSeconds);
        LogFinal(logger, result.History.Count, final.Loss, final.Accuracy, trainSeconds / Math.Max(1, result.History.Count), clock.Elapsed.TotalSeconds);
        LogConfusion(logger, ConfusionMatrixTable.Format(final.ConfusionMatrix, result.ClassNames));
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Path} at epoch {Epoch}, batch {Batch}")]
    private static partial void LogResume(ILogger logger, string path, int epoch, int batch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finished {Epochs} epochs: val_loss={ValLoss:F4} val_acc={ValAccuracy:F4} mean_epoch={MeanEpochSeconds:F3}s total={TotalSeconds:F1}s")]
    private static partial void LogFinal(ILogger logger, int epochs, double valLoss, double valAccuracy, double meanEpochSeconds, double totalSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confusion matrix on the validation split (rows true, columns predicted):\n{ConfusionMatrix}")]
    private static partial void LogConfusion(ILogger logger, string confusionMatrix);
}
