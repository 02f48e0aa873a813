namespace ScratchNet.Training.Optimizers;

/// <summary>
/// Everything an optimizer needs to continue exactly where it stopped: the number of steps taken
/// (Adam's bias correction depends on it), the learning rate and copies of the per-parameter buffers.
/// </summary>
public sealed record OptimizerState(long Steps, float LearningRate, IReadOnlyDictionary<string, float[]> Buffers);
