namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Stops training at the first batch whose loss is NaN or infinite, with one line naming the epoch and
/// batch. It throws from OnBatchEnd, before any epoch-end callback could checkpoint the ruined weights,
/// so best.ckpt and the resume points written so far stay as they were.
/// </summary>
public sealed class NonFiniteLossGuard : ITrainingCallback
{
    public void OnBatchEnd(TrainingContext context, int epoch, int batch, float loss)
    {
        if (!float.IsFinite(loss))
        {
            ArgumentNullException.ThrowIfNull(context);
            throw new TrainingDivergedException(epoch, batch, loss, context.Optimizer.LearningRate, context.LastCheckpointPath);
        }
    }
}
