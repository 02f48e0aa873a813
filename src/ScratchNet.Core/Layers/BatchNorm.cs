using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Layers;

/// <summary>
/// Batch normalisation (Ioffe &amp; Szegedy, 2015), as torch.nn.BatchNorm2d after a convolution and BatchNorm1d after
/// a dense layer: each channel c is normalised over the M = n·H·W values it has in the batch (for a dense layer's
/// (f, 1, 1) rows, each feature over the n rows), then scaled and shifted by trained γ[c] and β[c]:
/// <code>
/// training:   μ = Σ x / M,  σ² = Σ (x − μ)² / M,  x̂ = (x − μ) / √(σ² + ε),  y = γ·x̂ + β
///             running_mean ← (1 − momentum)·running_mean + momentum·μ
///             running_var  ← (1 − momentum)·running_var  + momentum·σ²·M/(M − 1)    (the unbiased variance)
/// evaluation: x̂ = (x − running_mean) / √(running_var + ε),  y = γ·x̂ + β
/// backward (training, the full one: μ and σ² depend on every x of the channel):
///             dβ = Σ dY,  dγ = Σ dY·x̂,  dX = (γ / (M·√(σ² + ε)))·(M·dY − dβ − x̂·dγ)
/// </code>
/// γ and β are the parameters "{Name}.weight" and "{Name}.bias" (PyTorch's names), initialised to 1 and 0; the
/// running statistics are <see cref="State"/> "{Name}.running_mean" (starts at 0) and "{Name}.running_var" (starts
/// at 1), which checkpoints and model files save. ε = 1e-5 and momentum = 0.1 are PyTorch's defaults.
/// </summary>
public sealed class BatchNorm : ILayer, IHasTrainingMode
{
    /// <summary>Added to the variance so a channel constant over the batch (σ² = 0) divides by √ε, not by zero.</summary>
    public const float DefaultEpsilon = 1e-5f;

    public const float DefaultMomentum = 0.1f;

    private readonly float[] _y;
    private readonly RowBuffer<float> _dX;
    private readonly float[] _xHat;
    private readonly float[] _mean;
    private readonly float[] _variance;
    private readonly float[] _inverseStd;
    private bool _hasInput;
    private bool _batchStatisticsLastForward;

    public BatchNorm(string name, Shape input, int capacity, float momentum = DefaultMomentum, float epsilon = DefaultEpsilon)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (!(momentum >= 0f && momentum <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "the momentum of the running averages must be in [0, 1]");
        }

        if (!(epsilon > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive");
        }

        Name = name;
        InputShape = input;
        Capacity = capacity;
        Momentum = momentum;
        Epsilon = epsilon;
        int channels = input.Channels;
        Gamma = new Parameter($"{name}.weight", [channels]);
        Beta = new Parameter($"{name}.bias", [channels]);
        Array.Fill(Gamma.Value, 1f);
        Parameters = [Gamma, Beta];
        RunningMean = new StateTensor($"{name}.running_mean", [channels], 0f);
        RunningVariance = new StateTensor($"{name}.running_var", [channels], 1f);
        State = [RunningMean, RunningVariance];
        _y = new float[capacity * input.Size];
        _dX = new RowBuffer<float>(input.Size);
        _xHat = new float[capacity * input.Size];
        _mean = new float[channels];
        _variance = new float[channels];
        _inverseStd = new float[channels];
    }

    public string Name { get; }

    public Shape InputShape { get; }

    public Shape OutputShape => InputShape;

    public int InputSize => InputShape.Size;

    public int OutputSize => InputShape.Size;

    public int Capacity { get; }

    public int Channels => InputShape.Channels;

    public float Momentum { get; }

    public float Epsilon { get; }

    /// <summary>γ: (C), the scale, named "{Name}.weight".</summary>
    public Parameter Gamma { get; }

    /// <summary>β: (C), the shift, named "{Name}.bias".</summary>
    public Parameter Beta { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The running mean per channel, "{Name}.running_mean": what evaluation subtracts.</summary>
    public StateTensor RunningMean { get; }

    /// <summary>The running (unbiased) variance per channel, "{Name}.running_var": what evaluation divides by (its root, after adding ε).</summary>
    public StateTensor RunningVariance { get; }

    public IReadOnlyList<StateTensor> State { get; }

    /// <summary>True: normalise with the batch's statistics and update the running ones. False (the default): use the running ones.</summary>
    public bool IsTraining { get; set; }

    // x: (n, C, H, W) → y: (n, C, H, W)
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        LayerGuard.Input(this, x.Length, n);
        _hasInput = true;
        _batchStatisticsLastForward = IsTraining;
        int plane = InputShape.Plane, length = n * InputSize;
        ReadOnlySpan<float> input = x.Span[..length];
        if (!IsTraining)
        {
            BatchNormalization.ForwardInference(input, Gamma.Value, Beta.Value, RunningMean.Value, RunningVariance.Value, _y.AsSpan(0, length), _xHat.AsSpan(0, length), n, Channels, plane, Epsilon);
            for (int c = 0; c < Channels; c++)
            {
                _inverseStd[c] = (float)(1.0 / Math.Sqrt(RunningVariance.Value[c] + (double)Epsilon));
            }

            return _y;
        }

        BatchNormalization.ForwardTraining(input, Gamma.Value, Beta.Value, _y.AsSpan(0, length), _xHat.AsSpan(0, length), _mean, _variance, _inverseStd, n, Channels, plane, Epsilon);

        // PyTorch keeps the unbiased variance (divided by M − 1); with one value per channel there is none, and the biased (0) is kept.
        long m = (long)n * plane;
        float unbiased = m > 1 ? (float)m / (m - 1) : 1f;
        for (int c = 0; c < Channels; c++)
        {
            RunningMean.Value[c] = ((1f - Momentum) * RunningMean.Value[c]) + (Momentum * _mean[c]);
            RunningVariance.Value[c] = ((1f - Momentum) * RunningVariance.Value[c]) + (Momentum * _variance[c] * unbiased);
        }

        return _y;
    }

    // dY: (n, C, H, W) → dGamma = Σ dY·x̂, dBeta = Σ dY: (C), overwritten; returns dX: (n, C, H, W) or null
    public float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        LayerGuard.OutputGradient(this, dY, n, _hasInput);
        int length = n * InputSize;
        float[]? dX = computeInputGradient ? _dX.Rows(n) : null;
        BatchNormalization.Backward(
            dY.AsSpan(0, length), _xHat.AsSpan(0, length), Gamma.Value, _inverseStd, dX is null ? default : dX.AsSpan(0, length), Gamma.Gradient, Beta.Gradient, n, Channels, InputShape.Plane, _batchStatisticsLastForward);
        return dX;
    }
}
