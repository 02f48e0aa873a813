namespace ScratchNet.Core.Layers;

/// <summary>
/// A tensor a layer keeps that is not trained by gradient descent but is part of the model: batch norm's running
/// mean and variance (PyTorch calls these buffers). Optimizers never see it; checkpoints and model files must save it.
/// </summary>
public sealed class StateTensor
{
    public StateTensor(string name, IReadOnlyList<int> dimensions, float initialValue = 0f)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Dimensions = Parameter.CheckDimensions(dimensions);
        Value = new float[Dimensions.Aggregate(1, (a, d) => a * d)];
        Array.Fill(Value, initialValue);
    }

    /// <summary>Unique within a network, e.g. "bn0.running_mean".</summary>
    public string Name { get; }

    /// <summary>The tensor's shape, outermost first, e.g. [16] for a per-channel statistic.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    public int Length => Value.Length;

    public float[] Value { get; }

    public override string ToString() => $"{Name} ({string.Join(", ", Dimensions)})";
}
