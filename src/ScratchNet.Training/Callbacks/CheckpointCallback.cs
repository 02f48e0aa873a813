using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Data;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Writes checkpoints: a resume point every Checkpoints:EveryEpochs epochs and on Ctrl+C, and best.ckpt
/// whenever the monitored metric improves. Each carries the configuration's fingerprint and the data's hash
/// (<see cref="DatasetHash"/>), so a resume on other settings or other data is refused. A non-finite
/// metric never counts as best, so a diverging run cannot overwrite the best checkpoint.
/// </summary>
public sealed partial class CheckpointCallback(
    IOptions<CheckpointOptions> options,
    ConfigurationFingerprint fingerprint,
    ILogger<CheckpointCallback> logger) : ITrainingCallback, ICheckpointParticipant
{
    private readonly MetricMonitor _monitor = MetricMonitor.Parse(options.Value.Monitor);
    private CheckpointDirectory? _directory;
    private string _dataSha256 = string.Empty;
    private double _best = double.NaN;

    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckpointOptions o = options.Value;
        _directory = string.IsNullOrWhiteSpace(o.Directory) ? null : new CheckpointDirectory(o.Directory, o.KeepLast);

        // A session that takes the folder over tidies it at once: the temporary of a process killed mid-save (the size of
        // a checkpoint) was otherwise deleted only after a save, which a resumed session that has nothing left to save,
        // or saves no best, never makes.
        _directory?.DeleteAbandonedTemporaries();

        // Before the first epoch's clock starts; the model file at the end reuses it (computed once per dataset).
        _dataSha256 = _directory is null ? string.Empty : DatasetHash.Sha256(context.Dataset);
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        if (_directory is null)
        {
            return;
        }

        CheckpointOptions o = options.Value;
        bool best = o.SaveBest && _monitor.Improves(_monitor.Read(metrics), _best, 0.0);
        if (best)
        {
            _best = _monitor.Read(metrics);
        }

        bool periodic = o.EveryEpochs > 0 && (metrics.Epoch % o.EveryEpochs == 0 || metrics.Epoch == context.Epochs);
        if (!best && !periodic)
        {
            return;
        }

        Checkpoint checkpoint = Capture(context);
        if (periodic)
        {
            context.LastCheckpointPath = _directory.SaveResumePoint(checkpoint);
        }

        if (best)
        {
            LogBest(logger, _directory.SaveBest(checkpoint), metrics.Epoch, _monitor.Name, _best);
        }
    }

    public void OnInterrupted(TrainingContext context, int epoch, int batch)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Stopped before its first batch, the session holds nothing a resume point would keep (TrainingNotBegunException).
        if (_directory is not null && context.StepsThisSession > 0)
        {
            context.LastCheckpointPath = _directory.SaveResumePoint(Capture(context));
        }
    }

    public void SaveTo(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.Scalars["checkpoints.best"] = _best;
    }

    public void RestoreFrom(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        _best = checkpoint.Scalars.GetValueOrDefault("checkpoints.best", double.NaN);
    }

    private Checkpoint Capture(TrainingContext context)
    {
        Checkpoint checkpoint = context.CaptureCheckpoint();
        fingerprint.Stamp(checkpoint, _dataSha256);
        return checkpoint;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Saved {Path} (epoch {Epoch}, {Monitor}={Value:F4})")]
    private static partial void LogBest(ILogger logger, string path, int epoch, string monitor, double value);
}
