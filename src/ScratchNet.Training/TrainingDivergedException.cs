namespace ScratchNet.Training;

/// <summary>The loss became NaN or infinite: the run diverged. A user error (usually too high a learning rate), not a bug.</summary>
public sealed class TrainingDivergedException(int epoch, int batch, float loss, float learningRate)
    : Exception($"Training diverged: the loss is {loss} at epoch {epoch}, batch {batch}; lower Optimizer:LearningRate (now {learningRate}), e.g. to {learningRate / 10}. The best checkpoint so far is kept.")
{
    public int Epoch { get; } = epoch;

    public int Batch { get; } = batch;
}
