using ScratchNet.Core.Metrics;
using ScratchNet.Training.Reports;

namespace ScratchNet.Training.Results;

/// <summary>A model judged on one split.</summary>
public sealed record EvaluationResult(double Loss, double Accuracy, ConfusionMatrix ConfusionMatrix)
{
    /// <summary>The rows the model was most confidently wrong about (up to <see cref="Evaluator.MistakesKept"/>), most confident first.</summary>
    public IReadOnlyList<Misclassification> Mistakes { get; init; } = [];
}
