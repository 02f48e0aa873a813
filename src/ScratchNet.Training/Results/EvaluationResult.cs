using ScratchNet.Core.Metrics;
using ScratchNet.Training.Reports;

namespace ScratchNet.Training.Results;

/// <summary>A model judged on one split.</summary>
public sealed record EvaluationResult(double Loss, double Accuracy, ConfusionMatrix ConfusionMatrix)
{
    /// <summary>The rows the model was most confidently wrong about (up to <see cref="Evaluator.MistakesKept"/>), most confident first.</summary>
    public IReadOnlyList<Misclassification> Mistakes { get; init; } = [];

    /// <summary>
    /// Each row's class probabilities, (rows, classes), when the evaluation kept them (the trainer's do, so the reports at the
    /// end of a run need no pass of their own); null otherwise.
    /// </summary>
    public float[]? Probabilities { get; init; }
}
