using ScratchNet.Core.Metrics;

namespace ScratchNet.Training.Metrics;

/// <summary>A model judged on one split.</summary>
/// <param name="Probabilities">
/// Each row's class probabilities, (rows, classes), when the evaluation kept them (the trainer's do, so the reports at the end
/// of a run need no pass of their own); null otherwise.
/// </param>
public sealed record EvaluationResult(double Loss, double Accuracy, ConfusionMatrix ConfusionMatrix, float[]? Probabilities = null);
