using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ScratchNet.Files;
using ScratchNet.Host.Runs;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Reports;
using ScratchNet.Training.Results;

namespace ScratchNet.Host.Commands;

/// <summary>Trains in its own run folder (see <see cref="TrainingRun"/>), then reports the final metrics and the confusion matrix.</summary>
public sealed partial class TrainCommand(ITrainer trainer, ILogger<TrainCommand> logger, TrainingRun? run = null, RunLog? runLog = null, RescuePoint? rescue = null, ResumePointRetention? retention = null, UserLines? userLines = null, DashboardAnnouncement? announcement = null) : ICommand
{
    /// <summary>Serve the live dashboard while training (Dashboard:Enabled=true).</summary>
    public static readonly CommandOption DashboardOption = new("dashboard", null, "serve the live dashboard while training (http://127.0.0.1:5757/; Dashboard:Port, Dashboard:Address)");

    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);

        // With a free port the dashboard's address is nowhere else; training goes on (its results are its files), as it
        // does when stdout fails later.
        if (announcement?.Unwritten is (string address, Exception failure))
        {
            (userLines ?? UserLines.Logged).Write(logger, l => LogAddressUnwritten(l, StandardOutput.Describe(failure).Why, address));
        }

        await RunInFolderAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>
    /// What <c>train</c> does, for a caller that wants the result itself (the experiments' optimizer sweep): claims the
    /// run folder (or continues the resumed one), trains in it, and records how the run ended. The trainer alone has no
    /// folder, and the history, reports and model it hands its callbacks are written into that folder.
    /// </summary>
    public async Task<TrainingResult> RunInFolderAsync(CancellationToken cancellationToken)
    {
        // A stop before the command ran (while the host started) was answered "training has not begun": no run folder is made.
        if (cancellationToken.IsCancellationRequested && run is not null)
        {
            throw NotBegun(new OperationCanceledException(cancellationToken), run);
        }

        Checkpoint? resumeFrom;
        try
        {
            resumeFrom = run is null ? null : await run.BeginAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (run is not null)
        {
            throw NotBegun(e, run);
        }

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
            TrainingResult result = await training.ConfigureAwait(false);
            state = RunStatus.Finished;
            if (cancellationToken.IsCancellationRequested && run is { LastBatchRun: false })
            {
                // The stop's answer promised a resume point; early stopping ended training at that epoch's end first.
                LogStopTooLate(logger, result.History.Count == 0 ? 0 : result.History[^1].Epoch);
            }

            return result;
        }
        catch (TrainingInterruptedException e) when (run is not null && e.CheckpointPath is not null)
        {
            // The run's folder, not the file: run.json leads to the point from any working directory, after the folder is
            // moved or renamed, and for a copy whose checkpoints went to a folder of its own.
            state = RunStatus.Interrupted;
            throw new TrainingInterruptedException(e.Epoch, e.Batch, e.CheckpointPath, e.CancellationToken, run.Folder.Path);
        }
        catch (OperationCanceledException e) when (e is not TrainingInterruptedException && run is { TrainingBegan: false })
        {
            state = RunStatus.Interrupted;
            throw NotBegun(e, run);
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
        catch (Exception e) when (rescue is not null && e is FileWriteException or RunOutputException)
        {
            // Only the file system's failures (see AtomicFile.Write) and a lost run folder arrive here. Every write stops
            // the run alike: a resume point, the history, a TensorBoard file, the model, a report at the end.
            // A write that failed because the run folder went away meanwhile is the lost folder's failure, not the disk's.
            Exception cause = e is FileWriteException && run?.Folder.IsIntact == false
                ? run.Folder.Lost(RunFolder.TrainingStopped)
                : e;
            string kept = rescue.Describe(cause);
            throw new RunOutputException(kept.Length == 0 ? cause.Message : $"{cause.Message.TrimEnd('.')}. {kept}", e);
        }
        finally
        {
            run?.End(state);

            // Once run.json names the point this session left, the older ones it replaces can go.
            retention?.AfterSession();
        }
    }

    // A stop before the first batch, wherever it came (loading the data, checking the resume point, setting up): nothing
    // was trained, and a resumed run is where it was, continued by the same command.
    private static TrainingNotBegunException NotBegun(OperationCanceledException stop, TrainingRun run) =>
        run.Folder is { Continues: true, ResumeCheckpoint: { } point }
            ? new TrainingNotBegunException($"Interrupted before training resumed; the run is still at its resume point {point}. Resume with: {ResumeCommand.For(run.Folder.Path)}", stop.CancellationToken)
            : stop as TrainingNotBegunException ?? new TrainingNotBegunException(stop.CancellationToken);

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
        int epochs = result.History.Count;
        string noun = EpochLogger.Plural(epochs, "epoch");
        double meanEpoch = trainSeconds / Math.Max(1, epochs);
        double seconds = clock.Elapsed.TotalSeconds;

        // The final score is a result: printed at any log level, the confusion matrix (in the run's reports) only as a log line.
        (userLines ?? UserLines.Logged).WriteResult(
            logger,
            l =>
            {
                if (resumed)
                {
                    LogFinalResumed(l, epochs, noun, final.Loss, final.Accuracy, meanEpoch, seconds);
                }
                else
                {
                    LogFinal(l, epochs, noun, final.Loss, final.Accuracy, meanEpoch, seconds);
                }
            });

        LogConfusion(logger, result.HeldOutName, ConfusionMatrixTable.Format(final.ConfusionMatrix, result.ClassNames));
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the dashboard's address to standard output ({Why}): the dashboard is at {Address}; training goes on, its results are the files in its run folder")]
    private static partial void LogAddressUnwritten(ILogger logger, string why, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stop came too late to interrupt: training ended on its own at epoch {Epoch} (early stopping) and finished as it would have, with its model and reports, so no resume point was saved and the exit code is 0")]
    private static partial void LogStopTooLate(ILogger logger, int epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Path} at epoch {Epoch}, batch {Batch}")]
    private static partial void LogResume(ILogger logger, string path, int epoch, int batch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finished {Epochs} {EpochNoun}: val_loss={ValLoss:F4} val_acc={ValAccuracy:F4} mean_epoch={MeanEpochSeconds:F3}s total={TotalSeconds:F1}s")]
    private static partial void LogFinal(ILogger logger, int epochs, string epochNoun, double valLoss, double valAccuracy, double meanEpochSeconds, double totalSeconds);

    // A resumed run's wall time is this session's; the epochs' own times (history) include the earlier sessions' parts.
    [LoggerMessage(Level = LogLevel.Information, Message = "Finished {Epochs} {EpochNoun}: val_loss={ValLoss:F4} val_acc={ValAccuracy:F4} mean_epoch={MeanEpochSeconds:F3}s this_session={SessionSeconds:F1}s")]
    private static partial void LogFinalResumed(ILogger logger, int epochs, string epochNoun, double valLoss, double valAccuracy, double meanEpochSeconds, double sessionSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confusion matrix on the {Split} split (rows true, columns predicted):\n{ConfusionMatrix}")]
    private static partial void LogConfusion(ILogger logger, string split, string confusionMatrix);
}
