using ScratchNet.Training.Results;

namespace ScratchNet.Training;

/// <summary>Trains a network end to end: data → forward → loss → backward → update → evaluate, once per epoch.</summary>
public interface ITrainer
{
    /// <exception cref="TrainingSetupException">The configured network does not fit the data.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; training stops at a batch boundary.</exception>
    Task<TrainingResult> TrainAsync(CancellationToken cancellationToken = default);

    /// <summary>Continues the run saved in <paramref name="resumeFrom"/> exactly where it stopped.</summary>
    /// <exception cref="Checkpoints.CheckpointException">The checkpoint does not fit the configured network.</exception>
    Task<TrainingResult> TrainAsync(Checkpoints.Checkpoint? resumeFrom, CancellationToken cancellationToken = default) =>
        resumeFrom is null ? TrainAsync(cancellationToken) : throw new NotSupportedException($"{GetType().Name} cannot resume from a checkpoint");
}
