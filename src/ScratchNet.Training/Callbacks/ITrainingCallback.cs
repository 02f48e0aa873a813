using ScratchNet.Training.Results;

namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Hooks into the training loop. Every callback registered in DI is called, in registration order.
/// All members have empty defaults, so a callback implements only what it watches.
/// </summary>
public interface ITrainingCallback
{
    void OnTrainBegin(TrainingContext context)
    {
    }

    void OnEpochBegin(TrainingContext context, int epoch)
    {
    }

    /// <summary>After each optimizer step. Called 1,750 times an epoch on the reference recipe: keep it cheap.</summary>
    void OnBatchEnd(TrainingContext context, int epoch, int batch, float loss)
    {
    }

    void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
    }

    void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
    }

    /// <summary>
    /// Training was cancelled (Ctrl+C) at a batch boundary: batches before <paramref name="batch"/> of
    /// <paramref name="epoch"/> are done. <see cref="TrainingContext.CaptureCheckpoint"/> still works here. When the stop
    /// came before the session's first batch (<see cref="TrainingContext.StepsThisSession"/> is 0), nothing was trained and
    /// nothing needs saving: <see cref="TrainingNotBegunException"/> follows, not <see cref="TrainingInterruptedException"/>.
    /// </summary>
    void OnInterrupted(TrainingContext context, int epoch, int batch)
    {
    }

    /// <summary>
    /// Training stopped abnormally after <see cref="OnTrainBegin"/>: the loss diverged (<see cref="TrainingDivergedException"/>),
    /// a write failed, or a bug. Called once, just before <paramref name="error"/> propagates; not after
    /// <see cref="OnInterrupted"/>. An exception thrown here is ignored, so the original error is the one reported.
    /// </summary>
    void OnTrainFailed(TrainingContext context, Exception error)
    {
    }
}
