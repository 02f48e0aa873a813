using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Optimizers;

/// <summary>
/// Holds the learning rate, the step count and the named per-parameter state buffers every optimizer needs.
/// Subclasses implement <see cref="Update"/>; <see cref="Step"/> counts the steps.
/// </summary>
public abstract class OptimizerBase : IOptimizer
{
    private readonly Dictionary<string, float[]> _state = new(StringComparer.Ordinal);

    // Keyed by the Parameter instance and a literal slot name, so a step finds its buffers without
    // building the "name.slot" string (the training step allocates nothing).
    private readonly Dictionary<(Parameter Parameter, string Slot), float[]> _buffers = [];
    private float _learningRate;

    protected OptimizerBase(float learningRate)
    {
        LearningRate = learningRate;
    }

    public abstract string Name { get; }

    public abstract int StateArrays { get; }

    public virtual string StateName => Name;

    public virtual float WeightDecay => 0f;

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

    /// <summary>Steps taken so far; the first step is step 1.</summary>
    public long Steps { get; private set; }

    public IReadOnlyDictionary<string, float[]> State => _state;

    public void Step(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Steps++;
        for (int i = 0; i < parameters.Count; i++)
        {
            Update(parameters[i]);
        }
    }

    public OptimizerState SaveState() =>
        new(Steps, LearningRate, _state.ToDictionary(kv => kv.Key, kv => (float[])kv.Value.Clone(), StringComparer.Ordinal));

    public OptimizerState CurrentState() =>
        new(Steps, LearningRate, _state.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));

    public void LoadState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(state.Steps);
        foreach ((string key, float[] saved) in state.Buffers)
        {
            if (_state.TryGetValue(key, out float[]? buffer))
            {
                if (buffer.Length != saved.Length)
                {
                    throw new ArgumentException($"optimizer state {key} holds {saved.Length} values, but the parameter has {buffer.Length}", nameof(state));
                }

                saved.CopyTo(buffer, 0);
            }
            else
            {
                _state[key] = (float[])saved.Clone();
            }
        }

        Steps = state.Steps;
        LearningRate = state.LearningRate;
    }

    /// <summary>Updates one parameter from its gradient; <see cref="Steps"/> already counts this step.</summary>
    protected abstract void Update(Parameter parameter);

    /// <summary>The state buffer <paramref name="slot"/> of <paramref name="parameter"/>, zero-filled on first use.</summary>
    /// <param name="slot">A literal such as "momentum": it is part of the lookup key.</param>
    protected float[] StateFor(Parameter parameter, string slot)
    {
        if (_buffers.TryGetValue((parameter, slot), out float[]? cached))
        {
            return cached;
        }

        string key = $"{parameter.Name}.{slot}";
        if (!_state.TryGetValue(key, out float[]? buffer))
        {
            buffer = new float[parameter.Length];
            _state[key] = buffer;
        }
        else if (buffer.Length != parameter.Length)
        {
            throw new InvalidOperationException($"optimizer state {key} holds {buffer.Length} values, but {parameter.Name} has {parameter.Length}");
        }

        _buffers[(parameter, slot)] = buffer;
        return buffer;
    }

    /// <summary>Throws unless <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    protected static float InRange(float value, float min, float maxExclusive, string name) =>
        value >= min && value < maxExclusive
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {maxExclusive})");

    /// <summary>Throws unless <paramref name="value"/> is a finite number ≥ 0.</summary>
    protected static float NonNegative(float value, string name) =>
        value >= 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0");

    /// <summary>Throws unless <paramref name="value"/> is a finite number &gt; 0.</summary>
    protected static float Positive(float value, string name) =>
        value > 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0");
}
