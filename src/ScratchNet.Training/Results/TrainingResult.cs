using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Results;

/// <summary>What a training run produced: the per-epoch history, the final validation result and the trained network.</summary>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, EvaluationResult FinalValidation, Sequential Network, IReadOnlyList<string> ClassNames);
