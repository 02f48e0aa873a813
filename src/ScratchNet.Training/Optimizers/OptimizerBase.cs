using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Optimizers;

/// <summary>Holds the learning rate and the named per-parameter state buffers every optimizer needs.</summary>
public abstract class OptimizerBase : IOptimizer
{
    private readonly Dictionary<string, float[]> _state = new(StringComparer.Ordinal);
    private float _learningRate;

    protected OptimizerBase(float learningRate)
    {
        LearningRate = learningRate;
    }

    public abstract string Name { get; }

    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value > 0f) || float.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "the learning rate must be a positive number");
            }

            _learningRate = value;
        }
    }

    public IReadOnlyDictionary<string, float[]> State => _state;

    public abstract void Step(IReadOnlyList<Parameter> parameters);

    /// <summary>The state buffer <paramref name="slot"/> of <paramref name="parameter"/>, zero-filled on first use.</summary>
    protected float[] StateFor(Parameter parameter, string slot)
    {
        string key = $"{parameter.Name}.{slot}";
        if (!_state.TryGetValue(key, out float[]? buffer))
        {
            buffer = new float[parameter.Length];
            _state[key] = buffer;
        }

        return buffer;
    }
}
