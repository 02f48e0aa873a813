using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ScratchNet.Files;
using ScratchNet.Host.Runs;
using ScratchNet.Training;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;

namespace ScratchNet.Host.Commands;

/// <summary>Trains in its own run folder (see <see cref="TrainingRun"/>), then reports the final metrics and the confusion matrix.</summary>
public sealed partial class TrainCommand(ITrainer trainer, ILogger<TrainCommand> logger, TrainingRun? run = null, RunLog? runLog = null, TrainingPhase? phase = null) : ICommand
{
    /// <summary>Serve the live dashboard while training (Dashboard:Enabled=true).</summary>
    public static readonly CommandOption DashboardOption = new("dashboard", null, "serve the live dashboard while training (http://127.0.0.1:5757/; Dashboard:Port, Dashboard:Address)");

    // Once the last batch has run, a stop changes nothing: the run finishes (exit 0), and the answer must not promise a resume point.
    public string StopNotice => phase?.BatchesDone == true
        ? "training has run its last batch, so the run finishes as it is (evaluation, model, reports), then exits"
        : "training ends at the next batch and saves a resume point (reports already being written are finished first); this can take a few seconds";

    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        Checkpoint? resumeFrom = run is null ? null : await run.BeginAsync(cancellationToken).ConfigureAwait(false);
        if (resumeFrom is not null)
        {
            LogResume(logger, run!.Folder.ResumeCheckpoint!, resumeFrom.Epoch, resumeFrom.Batch);
        }

        string state = RunStatus.Failed;
        try
        {
            // The trainer copies the checkpoint in; holding it here for the whole run would keep gigabytes of a big network's.
            Task<TrainingResult> training = TrainAsync(cancellationToken, resumeFrom);
            resumeFrom = null;
            await training.ConfigureAwait(false);
            state = RunStatus.Finished;
            return ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            state = RunStatus.Interrupted;
            throw;
        }
        catch (TrainingDivergedException)
        {
            state = RunStatus.Diverged;
            throw;
        }
        catch (FileWriteException e) when (run is not null)
        {
            // Only the file system's failures arrive here (see AtomicFile.Write), so the advice to free space is honest.
            // Every write stops the run alike: a resume point, the history, a TensorBoard file, a report at the end.
            string outcome = run.TrainingEnded
                ? "Training had finished, and its model was saved before the reports; free space or fix the folder's permissions."
                : $"Training stopped. {Kept(run)}";
            throw new RunOutputException($"{e.Message.TrimEnd('.')}. {outcome}", e);
        }
        finally
        {
            run?.End(state);
        }
    }

    /// <summary>What a user still has after a failed write, and how to go on from it.</summary>
    private static string Kept(TrainingRun run)
    {
        string? latest = run.CheckpointFolder is { } folder ? new CheckpointDirectory(folder, 1).Latest() : null;
        return latest is null
            ? "No resume point was saved yet; free space or fix the folder, then train again."
            : $"The last resume point is kept: free space or fix the folder, then continue with: {ResumeCommand.For(latest)}";
    }

    public async Task<TrainingResult> TrainAsync(CancellationToken cancellationToken, Checkpoint? resumeFrom = null)
    {
        if (run is not null)
        {
            runLog?.Open(run.Folder.Path);
        }

        var clock = Stopwatch.StartNew();
        bool resumed = resumeFrom is not null;
        Task<TrainingResult> training = trainer.TrainAsync(resumeFrom, cancellationToken);
        resumeFrom = null;
        TrainingResult result = await training.ConfigureAwait(false);
        EvaluationResult final = result.FinalValidation;
        double trainSeconds = result.History.Sum(e => e.TrainSeconds);
        if (!resumed)
        {
            LogFinal(logger, result.History.Count, final.Loss, final.Accuracy, trainSeconds / Math.Max(1, result.History.Count), clock.Elapsed.TotalSeconds);
        }
        else
        {
            LogFinalResumed(logger, result.History.Count, final.Loss, final.Accuracy, trainSeconds / Math.Max(1, result.History.Count), clock.Elapsed.TotalSeconds);
        }

        LogConfusion(logger, result.HeldOutName, ConfusionMatrixTable.Format(final.ConfusionMatrix, result.ClassNames));
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Path} at epoch {Epoch}, batch {Batch}")]
    private static partial void LogResume(ILogger logger, string path, int epoch, int batch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finished {Epochs} epochs: val_loss={ValLoss:F4} val_acc={ValAccuracy:F4} mean_epoch={MeanEpochSeconds:F3}s total={TotalSeconds:F1}s")]
    private static partial void LogFinal(ILogger logger, int epochs, double valLoss, double valAccuracy, double meanEpochSeconds, double totalSeconds);

    // A resumed run's wall time is this session's; the epochs' own times (history) include the earlier sessions' parts.
    [LoggerMessage(Level = LogLevel.Information, Message = "Finished {Epochs} epochs: val_loss={ValLoss:F4} val_acc={ValAccuracy:F4} mean_epoch={MeanEpochSeconds:F3}s this_session={SessionSeconds:F1}s")]
    private static partial void LogFinalResumed(ILogger logger, int epochs, double valLoss, double valAccuracy, double meanEpochSeconds, double sessionSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confusion matrix on the {Split} split (rows true, columns predicted):\n{ConfusionMatrix}")]
    private static partial void LogConfusion(ILogger logger, string split, string confusionMatrix);
}
