using ScratchNet.Core.Random;

namespace ScratchNet.Core.Layers;

/// <summary>
/// Inverted dropout (Srivastava et al., 2014), as torch.nn.Dropout: while training each input is kept
/// with probability 1 − p and scaled by 1 / (1 − p), so the expected activation is unchanged and
/// evaluation is the identity. Off (the identity) until <see cref="IsTraining"/> is set.
/// <code>
/// training:   m[i] = (u[i] ≥ p) / (1 − p),  y = x ⊙ m,  dX = dY ⊙ m
/// evaluation: y = x,                       dX = dY
/// </code>
/// </summary>
public sealed class Dropout : IStochasticLayer
{
    private readonly float[] _y;
    private readonly RowBuffer<float> _dX;
    private readonly RowBuffer<float> _maskRows;
    private float[] _mask = [];
    private readonly Xoshiro256 _rng;
    private bool _maskedLastForward;
    private bool _hasInput;

    /// <summary>Dropout over flat vectors of <paramref name="size"/> values.</summary>
    public Dropout(string name, int size, float rate, ulong seed, int capacity)
        : this(name, Shape.Flat(size), rate, seed, capacity)
    {
    }

    /// <summary>Dropout over rows of <paramref name="shape"/>; every value (each pixel of each channel) is kept or dropped on its own.</summary>
    public Dropout(string name, Shape shape, float rate, ulong seed, int capacity)
    {
        int size = shape.Size;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "the dropout rate must be in [0, 1)");
        }

        Name = name;
        InputShape = shape;
        Capacity = capacity;
        Rate = rate;
        _rng = new Xoshiro256(seed);
        _y = new float[capacity * size];
        _dX = new RowBuffer<float>(size);
        _maskRows = new RowBuffer<float>(size);
    }

    public string Name { get; }

    public Shape InputShape { get; }

    public Shape OutputShape => InputShape;

    public int InputSize => InputShape.Size;

    public int OutputSize => InputShape.Size;

    public int Capacity { get; }

    /// <summary>The probability p that an input is zeroed while training.</summary>
    public float Rate { get; }

    public bool IsTraining { get; set; }

    public IReadOnlyList<Parameter> Parameters => [];

    public IReadOnlyList<StateTensor> State => [];

    public ulong[] GetRandomState() => _rng.GetState();

    public void SetRandomState(ReadOnlySpan<ulong> state) => _rng.SetState(state);

    // x: (n, shape) → y: (n, shape)
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        LayerGuard.Input(this, x.Length, n);
        int length = n * InputSize;
        ReadOnlySpan<float> input = x.Span.Slice(0, length);
        _hasInput = true;
        _maskedLastForward = IsTraining && Rate > 0f;
        if (!_maskedLastForward)
        {
            input.CopyTo(_y);
            return _y;
        }

        float scale = 1f / (1f - Rate);
        double p = Rate;
        _mask = _maskRows.Rows(n);
        for (int i = 0; i < length; i++)
        {
            float m = _rng.NextDouble() >= p ? scale : 0f;
            _mask[i] = m;
            _y[i] = input[i] * m;
        }

        return _y;
    }

    // dY: (n, shape) → dX: (n, shape), the mask of the last Forward applied again
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
        if (!_maskedLastForward)
        {
            dY.AsSpan(0, length).CopyTo(dX);
            return dX;
        }

        for (int i = 0; i < length; i++)
        {
            dX[i] = dY[i] * _mask[i];
        }

        return dX;
    }
}
