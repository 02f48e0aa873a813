using System.Runtime.InteropServices;

namespace ScratchNet.Core.Layers;

/// <summary>
/// Reads each (C, H, W) image as the flat vector (C·H·W) that dense layers take: row-major NCHW already stores an
/// image as those values in that order, so nothing moves; only the shape changes. Element e of the vector is
/// x[c, h, w] with e = (c·H + h)·W + w, as torch.flatten(x, 1).
/// </summary>
public sealed class Flatten : ILayer
{
    private readonly RowBuffer<float> _copy;

    public Flatten(string name, Shape input, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Name = name;
        InputShape = input;
        OutputShape = Shape.Flat(input.Size);
        Capacity = capacity;
        _copy = new RowBuffer<float>(input.Size);
    }

    public string Name { get; }

    public Shape InputShape { get; }

    public Shape OutputShape { get; }

    public int InputSize => InputShape.Size;

    public int OutputSize => OutputShape.Size;

    public int Capacity { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    public IReadOnlyList<StateTensor> State => [];

    // x: (n, C, H, W) → y: (n, C·H·W), the same values
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        LayerGuard.Input(this, x.Length, n);

        // The previous layer's own array is handed on as it is; only a view into the middle of an array (a slice of
        // the data) is copied, since a layer returns a whole array.
        if (MemoryMarshal.TryGetArray(x, out ArraySegment<float> segment) && segment.Offset == 0 && segment.Array is { } array)
        {
            return array;
        }

        float[] copy = _copy.Rows(n);
        x.Span[..(n * InputSize)].CopyTo(copy);
        return copy;
    }

    // dY: (n, C·H·W) → dX: (n, C, H, W), the same values
    public float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        LayerGuard.OutputGradient(this, dY, n, hasInput: true);
        return computeInputGradient ? dY : null;
    }
}
