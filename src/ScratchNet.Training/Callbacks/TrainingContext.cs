using ScratchNet.Core.Layers;
using ScratchNet.Data;
using ScratchNet.Data.Augmentation;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Training.Callbacks;

/// <summary>What a callback may look at: the network, optimizer, data and history so far.</summary>
public sealed class TrainingContext(Sequential network, IOptimizer optimizer, Dataset dataset, int epochs, int batchesPerEpoch)
{
    private readonly List<EpochMetrics> _history = [];

    public Sequential Network { get; } = network;

    public IOptimizer Optimizer { get; } = optimizer;

    public Dataset Dataset { get; } = dataset;

    public int Epochs { get; } = epochs;

    public int BatchesPerEpoch { get; } = batchesPerEpoch;

    /// <summary>What transforms the training images (<c>Data:Augment</c>), or null when they are used as they are.</summary>
    public ImageAugmenter? Augmenter { get; init; }

    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>The validation pass of the epoch just finished (its confusion matrix and worst mistakes); null before the first.</summary>
    public EvaluationResult? LastValidation { get; internal set; }

    /// <summary>
    /// The epoch whose weights the network holds, when a callback put an earlier epoch's back (early stopping's best);
    /// null while they are the last epoch's.
    /// </summary>
    public int? WeightsEpoch { get; set; }

    /// <summary>The updates this process has made so far; 1 at the end of its first batch, whose loss the starting weights gave.</summary>
    public long StepsThisSession { get; internal set; }

    /// <summary>A callback sets this to end training after the current epoch.</summary>
    public bool StopRequested { get; set; }

    /// <summary>The last resume point a callback wrote, for the "resume with" hint after Ctrl+C.</summary>
    public string? LastCheckpointPath { get; set; }

    /// <summary>Set by the trainer: builds a checkpoint of the current position (see <see cref="Checkpoint"/>).</summary>
    internal Func<Checkpoint>? CheckpointFactory { get; set; }

    /// <summary>
    /// A checkpoint of the run as it stands: between epochs, or at the batch boundary where it was interrupted. Its
    /// tensors are the network's and optimizer's own arrays, so write it before returning to the trainer.
    /// </summary>
    public Checkpoint CaptureCheckpoint() =>
        (CheckpointFactory ?? throw new InvalidOperationException("checkpoints can be captured only while the trainer runs"))();

    internal void Record(EpochMetrics metrics) => _history.Add(metrics);

    internal void Restore(IEnumerable<EpochMetrics> history)
    {
        _history.Clear();
        _history.AddRange(history);
    }
}
