using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Optimizers;

/// <summary>Updates parameters from their gradients. Implementations keep any per-parameter state (momentum, moments) themselves.</summary>
public interface IOptimizer : IHasLearningRate
{
    string Name { get; }

    /// <summary>What the state it keeps is called where a message counts it ("momentum's state" for SGD with momentum).</summary>
    string StateName => Name;

    /// <summary>Its weight decay (Optimizer:WeightDecay), for the advice when a run diverges; 0 for one that has none.</summary>
    float WeightDecay => 0f;

    /// <summary>How many arrays the size of each parameter the optimizer keeps (momentum, moments), so a memory check can count them before the first step.</summary>
    int StateArrays { get; }

    /// <summary>One update of every parameter from its current gradient.</summary>
    void Step(IReadOnlyList<Parameter> parameters);

    /// <summary>The per-parameter state buffers, keyed "parameterName.slot" (e.g. "dense0.weight.momentum"), for checkpoints.</summary>
    IReadOnlyDictionary<string, float[]> State { get; }

    /// <summary>A deep copy of the optimizer's state, for checkpoints.</summary>
    OptimizerState SaveState() =>
        new(0, LearningRate, State.ToDictionary(kv => kv.Key, kv => (float[])kv.Value.Clone(), StringComparer.Ordinal));

    /// <summary>
    /// The state as it stands, its buffers the optimizer's own arrays (no copy): valid until the next step, for a
    /// checkpoint written at once.
    /// </summary>
    OptimizerState CurrentState() =>
        new(0, LearningRate, State.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));

    /// <summary>Restores a state returned by <see cref="SaveState"/>, so the next step is the one that would have followed.</summary>
    void LoadState(OptimizerState state) =>
        throw new NotSupportedException($"optimizer {Name} cannot restore a saved state");
}
