using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Core.Metrics;
using ScratchNet.Files;
using ScratchNet.Host.Reports.TensorBoard;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;

using ScratchNet.Host.Runs;

namespace ScratchNet.Host.Reports;

/// <summary>
/// With <c>Reports:TensorBoard=true</c>, writes TensorBoard event files into the run folder, one run per
/// split as Keras lays them out, so <c>tensorboard --logdir runs</c> overlays train and held-out curves:
/// <code>
/// tensorboard/train/       epoch_loss, epoch_accuracy, epoch_learning_rate; images first_layer_weights (MLP), first_conv_filters (CNN)
/// tensorboard/validation/  epoch_loss, epoch_accuracy; image confusion_matrix  (tensorboard/test/ with Data:Split=official)
/// </code>
/// Scalars every epoch (the step is the epoch); images every <c>Reports:TensorBoardImageEvery</c> epochs and
/// after the last. An image that cannot be drawn logs one warning and stops this writer, training goes on; a file the
/// file system cannot write stops training (exit 8), as every failed write does.
/// </summary>
public sealed partial class TensorBoardWriter(RunFolder folder, IOptions<ReportsOptions> options, ILogger<TensorBoardWriter> logger) : ITrainingCallback, IDisposable
{
    public const string FolderName = "tensorboard";

    private EventFile? _train;
    private EventFile? _heldOut;
    private Evaluator? _evaluator;
    private int _lastImageEpoch;

    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!options.Value.TensorBoard)
        {
            return;
        }

        string root = Path.Combine(folder.Path, FolderName);
        Guard(() =>
        {
            _train = new EventFile(Path.Combine(root, "train"));
            _heldOut = new EventFile(Path.Combine(root, context.Dataset.HeldOutName));
            LogStarted(logger, root, Path.GetDirectoryName(Path.GetFullPath(folder.Path)) ?? folder.Path);
        });
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        if (_train is null || _heldOut is null)
        {
            return;
        }

        Guard(() =>
        {
            int step = metrics.Epoch;
            _train.AddScalar("epoch_loss", step, metrics.TrainLoss);
            AddIfKnown(_train, "epoch_accuracy", step, metrics.TrainAccuracy);
            AddIfKnown(_train, "epoch_learning_rate", step, metrics.LearningRate);
            _heldOut.AddScalar("epoch_loss", step, metrics.ValidationLoss);
            _heldOut.AddScalar("epoch_accuracy", step, metrics.ValidationAccuracy);
            if (step % options.Value.TensorBoardImageEvery == 0)
            {
                // The epoch's own evaluation, unless a callback ran without one (a test's context): then one more pass.
                ConfusionMatrix confusion = context.LastValidation?.ConfusionMatrix
                    ?? (_evaluator ??= new Evaluator(context.Network.Capacity, context.Dataset.Validation.ClassCount)).Evaluate(context.Network, context.Dataset.Validation).ConfusionMatrix;
                AddImages(context, step, confusion);
            }

            _train.Flush();
            _heldOut.Flush();
        });
    }

    public void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        if (_train is not null && _heldOut is not null && result.History.Count > 0 && _lastImageEpoch != result.History[^1].Epoch)
        {
            // The final network (early stopping may have restored the best epoch's weights) at the last epoch's step.
            Guard(() => AddImages(context, result.History[^1].Epoch, result.FinalValidation.ConfusionMatrix));
        }

        // Closing flushes what is buffered: the last chance for a full disk to show.
        Guard(Dispose);
    }

    public void OnInterrupted(TrainingContext context, int epoch, int batch) => DisposeQuietly();

    public void Dispose()
    {
        _train?.Dispose();
        _heldOut?.Dispose();
        _train = null;
        _heldOut = null;
    }

    private void AddImages(TrainingContext context, int step, ConfusionMatrix confusion)
    {
        _heldOut!.AddImage("confusion_matrix", step, Plots.ConfusionHeatmap(confusion, context.Dataset.ClassNames, context.Dataset.HeldOutName));
        if (FirstLayerWeights.Find(context.Network) is not null)
        {
            _train!.AddImage("first_layer_weights", step, FirstLayerWeights.Draw(context.Network));
        }

        if (ConvolutionFilters.Find(context.Network) is not null)
        {
            _train!.AddImage("first_conv_filters", step, ConvolutionFilters.Draw(context.Network));
        }

        _lastImageEpoch = step;
    }

    private static void AddIfKnown(EventFile file, string tag, int step, double value)
    {
        if (double.IsFinite(value))
        {
            file.AddScalar(tag, step, value);
        }
    }

    private void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The event files are written in place, not through AtomicFile: their failures are attributed here.
            string files = Path.Combine(folder.Path, FolderName);
            DisposeQuietly();
            throw e as FileWriteException ?? new FileWriteException(files, FileSystemError.Reason(e), e);
        }
        catch (Exception e)
        {
            // A chart that cannot be drawn (a native library missing, too little memory for it) ends the TensorBoard files, not the training run.
            LogFailed(logger, Path.Combine(folder.Path, FolderName), e.Message);
            DisposeQuietly();
        }
    }

    private void DisposeQuietly()
    {
        try
        {
            Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Flushing what is left fails the same way: the first failure is the one reported.
            _train = null;
            _heldOut = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TensorBoard event files go to {TensorBoardFolder}; watch with: tensorboard --logdir {LogDir}")]
    private static partial void LogStarted(ILogger logger, string tensorBoardFolder, string logDir);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not draw the TensorBoard images in {TensorBoardFolder}: {Reason}; the event files stop here, training goes on")]
    private static partial void LogFailed(ILogger logger, string tensorBoardFolder, string reason);
}
