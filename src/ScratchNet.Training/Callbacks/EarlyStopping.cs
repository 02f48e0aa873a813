using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Core.Layers;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;

namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Stops training when the monitored metric has not improved by MinDelta for Patience epochs, and puts
/// the best epoch's weights back, both when it stops and when training reaches its last epoch. It
/// restores in OnEpochEnd of that final epoch, so the trainer's final evaluation already sees the best weights.
/// "Weights" are every parameter and batch norm's running statistics (the state evaluation uses). Its best weights
/// and counters go into checkpoints, so a resumed run stops at the same epoch.
/// </summary>
public sealed partial class EarlyStopping(IOptions<EarlyStoppingOptions> options, ILogger<EarlyStopping> logger) : ITrainingCallback, ICheckpointParticipant
{
    private readonly MetricMonitor _monitor = MetricMonitor.Parse(options.Value.Monitor);
    private readonly Dictionary<string, float[]> _bestWeights = new(StringComparer.Ordinal);
    private double _best = double.NaN;
    private int _bestEpoch;
    private int _wait;
    private bool _stopped;

    public int BestEpoch => _bestEpoch;

    /// <summary>Whether it keeps a copy of the best epoch's weights (when it is enabled), which the memory check counts.</summary>
    public bool KeepsBestWeights => options.Value.Enabled;

    public void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The checkpoint of the epoch that stopped the run (a process killed while it wrote its reports) holds the weights
        // the stop kept, the best epoch's where they were restored: the run is over, whatever early stopping says now, and
        // resumes straight to its end. Training on from those weights would repeat epochs under later numbers.
        if (_stopped)
        {
            context.StopRequested = true;
            if (options.Value.RestoreBestWeights && _bestEpoch > 0 && _bestEpoch != context.History.Count)
            {
                context.WeightsEpoch = _bestEpoch;
            }

            LogAlreadyStopped(logger, context.History.Count, _bestEpoch);
        }
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        EarlyStoppingOptions o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        double value = _monitor.Read(metrics);
        if (_monitor.Improves(value, _best, o.MinDelta))
        {
            _best = value;
            _bestEpoch = metrics.Epoch;
            _wait = 0;
            foreach ((string name, float[] values) in Tensors(context.Network))
            {
                values.CopyTo(Buffer(name, values.Length), 0);
            }
        }
        else if (++_wait >= o.Patience)
        {
            context.StopRequested = true;
            _stopped = true;
            LogStopped(logger, metrics.Epoch, o.Patience, _monitor.Name, _bestEpoch, _best);
        }

        bool last = context.StopRequested || metrics.Epoch >= context.Epochs;
        if (last && o.RestoreBestWeights && _bestEpoch > 0 && _bestEpoch != metrics.Epoch)
        {
            foreach ((string name, float[] values) in Tensors(context.Network))
            {
                _bestWeights[name].CopyTo(values, 0);
            }

            context.WeightsEpoch = _bestEpoch;
            LogRestored(logger, _bestEpoch, _monitor.Name, _best);
        }
    }

    public void SaveTo(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.Scalars["early.best"] = _best;
        checkpoint.Scalars["early.best_epoch"] = _bestEpoch;
        checkpoint.Scalars["early.wait"] = _wait;
        checkpoint.Scalars["early.stopped"] = _stopped ? 1 : 0;
        foreach ((string name, float[] weights) in _bestWeights)
        {
            checkpoint.Tensors[$"early/{name}"] = (float[])weights.Clone();
        }
    }

    public void RestoreFrom(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        _best = checkpoint.Scalars.GetValueOrDefault("early.best", double.NaN);
        _bestEpoch = (int)checkpoint.Scalars.GetValueOrDefault("early.best_epoch");
        _wait = (int)checkpoint.Scalars.GetValueOrDefault("early.wait");
        _stopped = checkpoint.Scalars.GetValueOrDefault("early.stopped") == 1;
        _bestWeights.Clear();
        foreach ((string key, float[] weights) in checkpoint.Tensors)
        {
            if (key.StartsWith("early/", StringComparison.Ordinal))
            {
                _bestWeights[key["early/".Length..]] = (float[])weights.Clone();
            }
        }
    }

    private static IEnumerable<(string Name, float[] Values)> Tensors(Sequential network) =>
        network.Parameters.Select(p => (p.Name, p.Value)).Concat(network.State.Select(s => (s.Name, s.Value)));

    private float[] Buffer(string name, int length)
    {
        if (!_bestWeights.TryGetValue(name, out float[]? buffer))
        {
            buffer = new float[length];
            _bestWeights[name] = buffer;
        }

        return buffer;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Early stopping after epoch {Epoch}: no improvement for {Patience} epochs; best {Monitor} was epoch {BestEpoch} ({Best:F4})")]
    private static partial void LogStopped(ILogger logger, int epoch, int patience, string monitor, int bestEpoch, double best);

    [LoggerMessage(Level = LogLevel.Information, Message = "Early stopping had already ended this run after epoch {Epoch} (best epoch {BestEpoch}); finishing it (to train on, start a new run from its model with --Model:InitFrom)")]
    private static partial void LogAlreadyStopped(ILogger logger, int epoch, int bestEpoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored the weights of epoch {BestEpoch} (best {Monitor} {Best:F4})")]
    private static partial void LogRestored(ILogger logger, int bestEpoch, string monitor, double best);
}
