namespace ScratchNet.Core.Layers;

/// <summary>A trainable tensor and its gradient, both row-major (Rows, Columns). The gradient always has the value's shape.</summary>
public sealed class Parameter
{
    public Parameter(string name, int rows, int columns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        Name = name;
        Rows = rows;
        Columns = columns;
        Value = new float[rows * columns];
        Gradient = new float[rows * columns];
    }

    /// <summary>Unique within a network, e.g. "dense0.weight".</summary>
    public string Name { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int Length => Value.Length;

    public float[] Value { get; }

    public float[] Gradient { get; }

    public override string ToString() => $"{Name} ({Rows}, {Columns})";
}
