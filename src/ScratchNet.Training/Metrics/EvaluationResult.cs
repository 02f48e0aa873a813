using ScratchNet.Core.Metrics;

namespace ScratchNet.Training.Metrics;

/// <summary>A model judged on one split.</summary>
public sealed record EvaluationResult(double Loss, double Accuracy, ConfusionMatrix ConfusionMatrix);
