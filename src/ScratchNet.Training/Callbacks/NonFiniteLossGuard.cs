using System.Globalization;

namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Stops training at the first batch whose loss is NaN or infinite, with one line naming the epoch and
/// batch. It throws from OnBatchEnd, before any epoch-end callback could checkpoint the ruined weights,
/// so best.ckpt and the resume points written so far stay as they were. (A batch's loss is measured before
/// its update: the trainer itself checks the validation loss after an epoch's last update.)
/// </summary>
public sealed class NonFiniteLossGuard : ITrainingCallback
{
    public void OnBatchEnd(TrainingContext context, int epoch, int batch, float loss)
    {
        if (!float.IsFinite(loss))
        {
            ArgumentNullException.ThrowIfNull(context);
            throw new TrainingDivergedException(
                epoch, batch, $"the loss is {loss.ToString(CultureInfo.InvariantCulture)} at epoch {epoch}, batch {batch}", context.Optimizer.LearningRate,
                context.Optimizer.WeightDecay, beforeAnyUpdate: context.StepsThisSession == 1, context.LastCheckpointPath);
        }
    }
}
