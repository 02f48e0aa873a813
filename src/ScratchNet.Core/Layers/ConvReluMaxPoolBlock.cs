using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Layers;

/// <summary>
/// Three layers in a row, <see cref="Conv2D"/> → ReLU → <see cref="MaxPool2D"/>, as <see cref="Sequential"/> runs them:
/// image by image through <see cref="ConvReluMaxPool"/>, so the convolution's output never goes out to memory as a batch.
/// <code>
/// forward:  y = maxpool(relu(conv(x)))                     (pooled values and where each maximum sat kept for backward)
/// backward: dR = maxpool backward of (y &gt; 0 ? dY : 0);   dW, dB, dX = the convolution's backward on dR
/// </code>
/// The layers keep their weights and gradients (the block fills conv's); their own buffers stay untouched and unallocated.
/// Called one at a time, as the model explorer and the diagnostics do, the layers compute the same values.
/// </summary>
internal sealed class ConvReluMaxPoolBlock
{
    private readonly Conv2D _conv;
    private readonly MaxPool2D _pool;
    private readonly RowBuffer<float> _y;
    private readonly RowBuffer<int> _argmaxRows;
    private readonly RowBuffer<float> _dX;
    private readonly RowBuffer<float> _partials = new(1);
    private readonly float[] _scratch;
    private readonly float[] _packedWeights;
    private ReadOnlyMemory<float> _x;
    private float[] _pooled = [];
    private int[] _argmax = [];

    private ConvReluMaxPoolBlock(Conv2D conv, MaxPool2D pool)
    {
        _conv = conv;
        _pool = pool;
        _y = new RowBuffer<float>(pool.OutputSize);
        _argmaxRows = new RowBuffer<int>(pool.OutputSize);
        _dX = new RowBuffer<float>(conv.InputSize);
        _scratch = new float[(conv.Team?.Threads ?? 1) * ConvReluMaxPool.ScratchPerThread(conv.OutChannels, conv.Window, pool.Window)];
        _packedWeights = new float[ConvReluMaxPool.PackedWeightsLength(conv.OutChannels, conv.Window)];
    }

    /// <summary>The block that starts at layer <paramref name="i"/>, or null when layers i … i + 2 are not conv, relu, maxpool.</summary>
    public static ConvReluMaxPoolBlock? At(IReadOnlyList<ILayer> layers, int i) =>
        i + 2 < layers.Count && Fuses(LayerDefinition.TryOf(layers[i]), LayerDefinition.TryOf(layers[i + 1]), LayerDefinition.TryOf(layers[i + 2]))
            && layers[i] is Conv2D conv && layers[i + 2] is MaxPool2D pool && ConvReluMaxPool.Fits(conv.OutChannels, conv.Window, pool.Window)
            ? new ConvReluMaxPoolBlock(conv, pool)
            : null;

    /// <summary>
    /// Whether three layers in a row are the kinds a block fuses (whether their sizes fit is <see cref="ConvReluMaxPool.Fits"/>).
    /// Asked of definitions, so the memory plan (<see cref="NetworkPlan"/>, before any layer is built) finds the blocks the network will run.
    /// </summary>
    public static bool Fuses(LayerDefinition? conv, LayerDefinition? activation, LayerDefinition? pool) =>
        conv?.Kind == LayerKind.Conv && activation is { Kind: LayerKind.Activation, Activation: "relu" } && pool?.Kind == LayerKind.MaxPool;

    /// <summary>Layers the block stands for.</summary>
    public const int Length = 3;

    // x: (n, C, H, W) → y: (n, K, PH, PW)
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        LayerGuard.Input(_conv, x.Length, n);
        _x = x;
        _pooled = _y.Rows(n);
        _argmax = _argmaxRows.Rows(n);
        ConvReluMaxPool.Forward(
            x[..(n * _conv.InputSize)], _conv.Weight.Value, _conv.BiasParameter.Value, _pooled.AsMemory(0, n * _pool.OutputSize), _argmax.AsMemory(0, n * _pool.OutputSize),
            _scratch, n, _conv.OutChannels, _conv.Window, _pool.Window, _conv.Team);
        return _pooled;
    }

    // dY: (n, K, PH, PW) → conv's dW and dB, overwritten; returns dX: (n, C, H, W) or null
    public float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        LayerGuard.OutputGradient(_pool, dY, n, hasInput: _pooled.Length > 0);
        float[]? dX = computeInputGradient ? _dX.Rows(n) : null;
        ConvReluMaxPool.Backward(
            _x[..(n * _conv.InputSize)], _conv.Weight.Value, _pooled.AsMemory(0, n * _pool.OutputSize), _argmax.AsMemory(0, n * _pool.OutputSize),
            dY.AsMemory(0, n * _pool.OutputSize), _conv.Weight.Gradient, _conv.BiasParameter.Gradient, dX is null ? default : dX.AsMemory(0, n * _conv.InputSize),
            _scratch, _partials.Rows(Conv2DLowered.PartialsLength(n, _conv.OutChannels, _conv.Window)), _packedWeights, n, _conv.OutChannels, _conv.Window, _pool.Window, _conv.Team);
        return dX;
    }
}
