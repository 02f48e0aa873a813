using ScratchNet.Core.Activations;

namespace ScratchNet.Core.Layers;

/// <summary>Applies an activation elementwise; it has no parameters.</summary>
public sealed class ActivationLayer : ILayer
{
    private readonly float[] _y;
    private readonly float[] _dX;
    private ReadOnlyMemory<float> _x;
    private bool _hasInput;

    public ActivationLayer(string name, IActivation activation, int size, int capacity)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Name = name;
        Activation = activation;
        InputSize = size;
        OutputSize = size;
        Capacity = capacity;
        _y = new float[capacity * size];
        _dX = new float[capacity * size];
    }

    public string Name { get; }

    public IActivation Activation { get; }

    public int InputSize { get; }

    public int OutputSize { get; }

    public int Capacity { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        CheckRows(n);
        _x = x;
        _hasInput = true;
        Activation.Forward(x.Span.Slice(0, n * InputSize), _y.AsSpan(0, n * OutputSize));
        return _y;
    }

    public float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        CheckRows(n);
        if (!computeInputGradient)
        {
            return null;
        }

        if (!_hasInput)
        {
            throw new InvalidOperationException($"layer {Name}: Backward was called before Forward");
        }

        int length = n * InputSize;
        Activation.Backward(_x.Span.Slice(0, length), _y.AsSpan(0, length), dY.AsSpan(0, length), _dX.AsSpan(0, length));
        return _dX;
    }

    private void CheckRows(int n)
    {
        if (n < 1 || n > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"layer {Name} holds between 1 and {Capacity} rows per call");
        }
    }
}
