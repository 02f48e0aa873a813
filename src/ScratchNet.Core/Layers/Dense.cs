using ScratchNet.Core.Initializers;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Layers;

/// <summary>
/// A fully connected layer: y = x·W + b with W (in, out) and b (out). Its rows are flat vectors (in, 1, 1) → (out, 1, 1);
/// after images, a <see cref="Flatten"/> makes them so. W is stored (in, out), the transpose of PyTorch's nn.Linear weight (out, in).
/// </summary>
public sealed class Dense : ILayer
{
    private readonly float[] _y;
    private readonly float[] _dX;
    private readonly float[] _wT;
    private readonly ComputeTeam _team;
    private readonly Action<int> _forwardPart;
    private readonly Action<int> _backwardWeightsPart;
    private readonly Action<int> _backwardInputPart;
    private ReadOnlyMemory<float> _x;
    private float[] _dY = [];
    private int _n;
    private int _parts;
    private bool _hasInput;

    /// <param name="team">Threads the products may be split over; null is one thread.</param>
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
        _dX = new float[capacity * inputSize];
        _wT = MatMul.PacksTranspose(outputSize) ? new float[outputSize * inputSize] : [];
        _team = team ?? ComputeTeam.Single;
        _forwardPart = ForwardPart;
        _backwardWeightsPart = BackwardWeightsPart;
        _backwardInputPart = BackwardInputPart;
    }

    /// <summary>
    /// Fewer multiply-adds than this run on one thread: handing a part to another thread costs about a
    /// microsecond, as much as the product itself below this size.
    /// </summary>
    public const long ParallelFlops = 1L << 20;

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

    // x: (n, in) → y: (n, out)
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        CheckRows(n);
        if (x.Length < n * InputSize)
        {
            throw new ArgumentException($"x has {x.Length} values, but {n} rows of the {InputSize} inputs layer {Name} expects need {n * InputSize}", nameof(x));
        }

        _x = x;
        _hasInput = true;
        _n = n;
        _parts = PartsFor(n);
        _team.Run(_forwardPart, _parts);
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
        _dY = dY;
        _n = n;
        _parts = PartsFor(n);
        _team.Run(_backwardWeightsPart, _parts);
        Bias.Backward(dY.AsSpan(0, n * OutputSize), BiasParameter.Gradient, n, OutputSize);
        if (!computeInputGradient)
        {
            return null;
        }

        if (_wT.Length > 0)
        {
            // Narrow layer (128 → 64, 64 → 10), or no AVX-512: pack wᵀ once per step so the tile kernel can run over it.
            MatMul.Transpose(Weight.Value, _wT, InputSize, OutputSize);
        }

        _team.Run(_backwardInputPart, _parts);
        return _dX;
    }

    private int PartsFor(int n) => 2L * n * InputSize * OutputSize >= ParallelFlops ? _team.Threads : 1;

    // The parts read their operands from fields: a delegate cached in the constructor takes no arguments
    // but the part index, so splitting a call allocates nothing.
    private void ForwardPart(int part) =>
        MatMul.ForwardPart(_x.Span.Slice(0, _n * InputSize), Weight.Value, BiasParameter.Value, _y.AsSpan(0, _n * OutputSize), _n, InputSize, OutputSize, part, _parts);

    private void BackwardWeightsPart(int part) =>
        MatMul.BackwardWeightsPart(_x.Span.Slice(0, _n * InputSize), _dY.AsSpan(0, _n * OutputSize), Weight.Gradient, _n, InputSize, OutputSize, part, _parts);

    private void BackwardInputPart(int part)
    {
        if (_wT.Length > 0)
        {
            MatMul.BackwardInputPackedPart(_dY.AsSpan(0, _n * OutputSize), _wT, _dX.AsSpan(0, _n * InputSize), _n, InputSize, OutputSize, part, _parts);
        }
        else
        {
            MatMul.BackwardInputPart(_dY.AsSpan(0, _n * OutputSize), Weight.Value, _dX.AsSpan(0, _n * InputSize), _n, InputSize, OutputSize, part, _parts);
        }
    }

    private void CheckRows(int n)
    {
        if (n < 1 || n > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"layer {Name} holds between 1 and {Capacity} rows per call");
        }
    }
}
