namespace ScratchNet.Training;

/// <summary>The loss became NaN or infinite: the run diverged. A user error (usually too high a learning rate), not a bug.</summary>
/// <param name="lastCheckpoint">The newest resume point written before it diverged, or null when none was.</param>
public sealed class TrainingDivergedException(int epoch, int batch, float loss, float learningRate, string? lastCheckpoint = null)
    : Exception($"Training diverged: the loss is {loss} at epoch {epoch}, batch {batch}; lower Optimizer:LearningRate (now {learningRate}), e.g. to {learningRate / 10}, the usual cause (a large Optimizer:WeightDecay does it too). {Kept(lastCheckpoint)}")
{
    public int Epoch { get; } = epoch;

    public int Batch { get; } = batch;

    private static string Kept(string? lastCheckpoint) => lastCheckpoint is null
        ? "No checkpoint had been written yet."
        : $"The checkpoints written before it are kept (the newest resume point: {lastCheckpoint}).";
}
