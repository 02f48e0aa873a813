namespace ScratchNet.Training.Results;

/// <summary>One epoch's numbers.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's minibatches, weighted by rows (as PyTorch loops report it).</param>
/// <param name="TrainAccuracy">
/// Share of the epoch's training rows whose arg-max was their label at the moment their batch was trained on
/// (before that batch's update, with dropout on), as Keras reports "accuracy": a running figure, not a second pass.
/// </param>
/// <param name="ValidationLoss">Mean cross-entropy over the whole validation split after the epoch.</param>
/// <param name="ValidationAccuracy">Share of validation rows whose arg-max is their label.</param>
/// <param name="TrainSeconds">Wall time of the epoch's minibatch steps (shuffle included, evaluation excluded).</param>
/// <param name="EvaluationSeconds">Wall time of the validation pass.</param>
/// <param name="LearningRate">The rate of the epoch's last optimizer step (a schedule may change it within the epoch).</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double ValidationLoss,
    double ValidationAccuracy,
    double TrainSeconds,
    double EvaluationSeconds,
    double TrainAccuracy = double.NaN,
    double LearningRate = double.NaN);
