using ScratchNet.Core.Layers;
using ScratchNet.Data;
using ScratchNet.Training.Metrics;
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

    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>A callback sets this to end training after the current epoch.</summary>
    public bool StopRequested { get; set; }

    internal void Record(EpochMetrics metrics) => _history.Add(metrics);
}
