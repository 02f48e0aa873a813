using ScratchNet.Core.Initializers;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Layers;

/// <summary>
/// A fully connected layer: y = x·W + b with W (in, out) and b (out). Its rows are flat vectors (in, 1, 1) → (out, 1, 1);
/// after images, a <see cref="Flatten"/> makes them so. W is stored (in, out), the transpose of PyTorch's nn.Linear weight (out, in).
/// </summary>
/// <remarks>
/// Forward and Backward are the products and the sum below; how each product is tiled, packed and split over
/// threads is decided inside <see cref="MatMul"/>.
/// </remarks>
public sealed class Dense : ILayer
{
    private readonly float[] _y;
    private readonly RowBuffer<float> _dX;
    private readonly ComputeTeam? _team;
    private ReadOnlyMemory<float> _x;
    private bool _hasInput;

    /// <param name="team">Threads the products may be split over; null is one thread. Results do not depend on it.</param>
    public Dense(string name, int inputSize, int outputSize, int capacity, ComputeTeam? team = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Name = name;
        InputSize = inputSize;
        OutputSize = outputSize;
        Capacity = capacity;
        Weight = new Parameter($"{name}.weight", inputSize, outputSize);
        BiasParameter = new Parameter($"{name}.bias", 1, outputSize);
        Parameters = [Weight, BiasParameter];
        _y = new float[capacity * outputSize];
        _dX = new RowBuffer<float>(inputSize);
        _team = team;
    }

    public string Name { get; }

    public int InputSize { get; }

    public int OutputSize { get; }

    public Shape InputShape => Shape.Flat(InputSize);

    public Shape OutputShape => Shape.Flat(OutputSize);

    public int Capacity { get; }

    public Parameter Weight { get; }

    public Parameter BiasParameter { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public IReadOnlyList<StateTensor> State => [];

    /// <summary>Weights from <paramref name="initializer"/> with fan-in = in and fan-out = out; biases zero, as in the reference.</summary>
    public void Initialize(IInitializer initializer, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        initializer.Initialize(Weight.Value, InputSize, OutputSize, rng);
        Array.Clear(BiasParameter.Value);
    }

    // x: (n, in) · W: (in, out) · b: (out) → y: (n, out)
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        CheckRows(n);
        if (x.Length < n * InputSize)
        {
            throw new ArgumentException($"x has {x.Length} values, but {n} rows of the {InputSize} inputs layer {Name} expects need {n * InputSize}", nameof(x));
        }

        _x = x;
        _hasInput = true;

        // y = x·W + b
        MatMul.Forward(x[..(n * InputSize)], Weight.Value, BiasParameter.Value, _y, n, InputSize, OutputSize, _team);
        return _y;
    }

    // dY: (n, out) → dW: (in, out), dB: (out), both overwritten; returns dX: (n, in) or null
    public float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        CheckRows(n);
        if (!_hasInput)
        {
            throw new InvalidOperationException($"layer {Name}: Backward was called before Forward");
        }

        ArgumentNullException.ThrowIfNull(dY);
        ReadOnlyMemory<float> x = _x[..(n * InputSize)];
        ReadOnlyMemory<float> dYRows = dY.AsMemory(0, n * OutputSize);

        // dW = xᵀ·dY
        MatMul.BackwardWeights(x, dYRows, Weight.Gradient, n, InputSize, OutputSize, _team);

        // dB = Σrows dY
        Bias.Backward(dYRows.Span, BiasParameter.Gradient, n, OutputSize);
        if (!computeInputGradient)
        {
            return null;
        }

        // dX = dY·Wᵀ
        float[] dX = _dX.Rows(n);
        MatMul.BackwardInput(dYRows, Weight.Value, dX, n, InputSize, OutputSize, _team);
        return dX;
    }

    private void CheckRows(int n)
    {
        if (n < 1 || n > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"layer {Name} holds between 1 and {Capacity} rows per call");
        }
    }
}
