using ScratchNet.Core.Activations;

namespace ScratchNet.Core.Layers;

/// <summary>Applies an activation elementwise, to vectors and images alike (the shape passes through); it has no parameters.</summary>
public sealed class ActivationLayer : IPiecewiseLayer
{
    private readonly RowBuffer<float> _y;
    private float[] _output = [];
    private readonly RowBuffer<float> _dX;
    private ReadOnlyMemory<float> _x;
    private bool _hasInput;

    /// <summary>An activation over flat vectors of <paramref name="size"/> values.</summary>
    public ActivationLayer(string name, IActivation activation, int size, int capacity)
        : this(name, activation, Shape.Flat(size), capacity)
    {
    }

    public ActivationLayer(string name, IActivation activation, Shape shape, int capacity)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape.Size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Name = name;
        Activation = activation;
        InputShape = shape;
        Capacity = capacity;
        _y = new RowBuffer<float>(shape.Size);
        _dX = new RowBuffer<float>(shape.Size);
    }

    public string Name { get; }

    public IActivation Activation { get; }

    public Shape InputShape { get; }

    public Shape OutputShape => InputShape;

    public int InputSize => InputShape.Size;

    public int OutputSize => InputShape.Size;

    public int Capacity { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    public IReadOnlyList<StateTensor> State => [];

    // Every kink the activations have (ReLU, leaky ReLU) is at 0, and their derivative takes x = 0 as the side below it.
    public int PiecesPerRow => Activation.HasKink ? InputSize : 0;

    public void CopyPieces(int n, Span<int> destination)
    {
        LayerGuard.Rows(this, n);
        if (PiecesPerRow == 0)
        {
            return;
        }

        ReadOnlySpan<float> x = _x.Span[..(n * InputSize)];
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] > 0f ? 1 : 0;
        }
    }

    // x: (n, shape) → y = f(x): (n, shape)
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        LayerGuard.Input(this, x.Length, n);
        _x = x;
        _hasInput = true;
        _output = _y.Rows(n);
        Activation.Forward(x.Span.Slice(0, n * InputSize), _output.AsSpan(0, n * OutputSize));
        return _output;
    }

    // dY: (n, shape) → dX = dY ⊙ f'(x)
    public float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        LayerGuard.Rows(this, n);
        if (!computeInputGradient)
        {
            return null;
        }

        LayerGuard.OutputGradient(this, dY, n, _hasInput);
        int length = n * InputSize;
        float[] dX = _dX.Rows(n);
        Activation.Backward(_x.Span.Slice(0, length), _output.AsSpan(0, length), dY.AsSpan(0, length), dX.AsSpan(0, length));
        return dX;
    }
}
