using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Results;

/// <summary>What a training run produced: the per-epoch history, the final result on the held-out split and the trained network.</summary>
/// <param name="HeldOutName">The held-out split's name: "validation", or "test" when it is the official test set.</param>
/// <param name="WeightsEpoch">The epoch whose weights <paramref name="Network"/> holds: the last, or the one early stopping restored; 0 when no epoch ran.</param>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, EvaluationResult FinalValidation, Sequential Network, IReadOnlyList<string> ClassNames, string HeldOutName = "validation", int WeightsEpoch = 0);
