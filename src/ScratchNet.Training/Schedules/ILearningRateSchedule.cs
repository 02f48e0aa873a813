using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Results;

namespace ScratchNet.Training.Schedules;

/// <summary>
/// Gives the learning rate of every step. The trainer sets <c>optimizer.LearningRate</c> from it before
/// each batch, so a schedule needs nothing but <see cref="Optimizers.IHasLearningRate"/>. Rates are a
/// function of the position (and, for plateau, of state saved in checkpoints), so a resumed run replays them.
/// </summary>
public interface ILearningRateSchedule : ICheckpointParticipant
{
    string Name { get; }

    /// <param name="baseRate">The optimizer's rate when training began (Optimizer:LearningRate).</param>
    /// <param name="epoch">1-based.</param>
    /// <param name="batch">0-based within the epoch.</param>
    /// <param name="batchesPerEpoch">Batches in one epoch.</param>
    float RateFor(float baseRate, int epoch, int batch, int batchesPerEpoch);

    /// <summary>Sees each epoch's metrics (reduce-on-plateau reacts to them).</summary>
    void OnEpochEnd(EpochMetrics metrics)
    {
    }
}
