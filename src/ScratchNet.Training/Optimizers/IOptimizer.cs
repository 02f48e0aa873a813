using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Optimizers;

/// <summary>Updates parameters from their gradients. Implementations keep any per-parameter state (momentum, moments) themselves.</summary>
public interface IOptimizer : IHasLearningRate
{
    string Name { get; }

    /// <summary>One update of every parameter from its current gradient.</summary>
    void Step(IReadOnlyList<Parameter> parameters);

    /// <summary>The per-parameter state buffers, keyed "parameterName.slot" (e.g. "dense0.weight.momentum"), for checkpoints.</summary>
    IReadOnlyDictionary<string, float[]> State { get; }
}

/// <summary>The one capability a learning-rate schedule needs, so schedules stay independent of concrete optimizers.</summary>
public interface IHasLearningRate
{
    float LearningRate { get; set; }
}
