namespace ScratchNet.Core.Layers;

/// <summary>
/// A trainable tensor and its gradient, both row-major with the shape <see cref="Dimensions"/>. The gradient always
/// has the value's shape. <see cref="Rows"/> is the first dimension and <see cref="Columns"/> the product of the
/// rest, so a conv weight (out, in, kH, kW) is also the matrix (out, in·kH·kW) its product multiplies.
/// </summary>
public sealed class Parameter
{
    /// <summary>A matrix (rows, columns), e.g. a dense weight (in, out).</summary>
    public Parameter(string name, int rows, int columns)
        : this(name, [rows, columns])
    {
    }

    /// <summary>A tensor of any rank, e.g. a conv weight [out, in, kH, kW] or a bias [out].</summary>
    public Parameter(string name, IReadOnlyList<int> dimensions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Dimensions = CheckDimensions(dimensions);
        Rows = Dimensions[0];
        Columns = Dimensions.Skip(1).Aggregate(1, (a, d) => a * d);
        Value = new float[Rows * Columns];
        Gradient = new float[Rows * Columns];
    }

    /// <summary>Unique within a network, e.g. "dense0.weight".</summary>
    public string Name { get; }

    /// <summary>The tensor's shape, outermost first.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int Length => Value.Length;

    public float[] Value { get; }

    public float[] Gradient { get; }

    public override string ToString() => $"{Name} ({string.Join(", ", Dimensions)})";

    internal static int[] CheckDimensions(IReadOnlyList<int> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count == 0 || dimensions.Any(d => d <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), $"a tensor needs at least one dimension and every one positive, got ({string.Join(", ", dimensions)})");
        }

        if (dimensions.Aggregate(1L, (a, d) => a * d) > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), $"a ({string.Join(", ", dimensions)}) tensor is too large for one array");
        }

        return [.. dimensions];
    }
}
