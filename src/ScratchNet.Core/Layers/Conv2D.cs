using ScratchNet.Core.Initializers;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Layers;

/// <summary>
/// A 2-D convolution: K filters of C × kH × kW slide over the (C, H, W) input with a stride, over the image framed by
/// zero padding, and each gives one output channel:
/// <code>
/// y[n,k,i,j] = b[k] + Σc Σr Σs w[k,c,r,s] · x[n, c, i·stride + r − pad, j·stride + s − pad]     (x = 0 in the padding)
/// OutH = ⌊(H + 2·pad − kH) / stride⌋ + 1,   OutW = ⌊(W + 2·pad − kW) / stride⌋ + 1
/// </code>
/// Weights are stored (K, C, kH, kW), PyTorch's nn.Conv2d layout, so imported and exported weights need no
/// reshuffling; the bias is (K). The products run lowered to matrix products (<see cref="Conv2DLowered"/>).
/// </summary>
public sealed class Conv2D : ILayer
{
    private readonly float[] _y;
    private readonly float[] _dX;
    private readonly float[] _cols;
    private readonly float[] _dCols;
    private readonly float[] _dWImage;
    private ReadOnlyMemory<float> _x;
    private bool _hasInput;

    /// <param name="input">One input image: (C, H, W).</param>
    /// <param name="outChannels">K, the number of filters.</param>
    /// <exception cref="ArgumentException">The kernel does not fit the padded input.</exception>
    public Conv2D(string name, Shape input, int outChannels, int kernelHeight, int kernelWidth, int stride, int padding, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Name = name;
        Window = new Window2D(input.Channels, input.Height, input.Width, kernelHeight, kernelWidth, stride, padding);
        InputShape = input;
        OutputShape = new Shape(outChannels, Window.OutHeight, Window.OutWidth);
        Capacity = capacity;
        Weight = new Parameter($"{name}.weight", [outChannels, input.Channels, kernelHeight, kernelWidth]);
        BiasParameter = new Parameter($"{name}.bias", [outChannels]);
        Parameters = [Weight, BiasParameter];
        _y = new float[capacity * OutputShape.Size];
        _dX = new float[capacity * InputShape.Size];
        _cols = new float[Window.PatchSize * Window.OutPlane];
        _dCols = new float[Window.PatchSize * Window.OutPlane];
        _dWImage = new float[outChannels * Window.PatchSize];
    }

    public string Name { get; }

    public Shape InputShape { get; }

    public Shape OutputShape { get; }

    public int InputSize => InputShape.Size;

    public int OutputSize => OutputShape.Size;

    public int Capacity { get; }

    /// <summary>How the kernel slides over the input (sizes, stride, padding, output size).</summary>
    public Window2D Window { get; }

    public int InChannels => InputShape.Channels;

    public int OutChannels => OutputShape.Channels;

    public int KernelHeight => Window.KernelHeight;

    public int KernelWidth => Window.KernelWidth;

    public int Stride => Window.Stride;

    public int Padding => Window.Padding;

    /// <summary>w: (K, C, kH, kW), named "{Name}.weight".</summary>
    public Parameter Weight { get; }

    /// <summary>b: (K), named "{Name}.bias".</summary>
    public Parameter BiasParameter { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public IReadOnlyList<StateTensor> State => [];

    /// <summary>
    /// Weights from <paramref name="initializer"/> with fan-in = C·kH·kW (the inputs one output sums over) and
    /// fan-out = K·kH·kW, as PyTorch computes them for convolutions; biases zero.
    /// </summary>
    public void Initialize(IInitializer initializer, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        initializer.Initialize(Weight.Value, InChannels * KernelHeight * KernelWidth, OutChannels * KernelHeight * KernelWidth, rng);
        Array.Clear(BiasParameter.Value);
    }

    // x: (n, C, H, W) → y: (n, K, OutH, OutW)
    public float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        LayerGuard.Input(this, x.Length, n);
        _x = x;
        _hasInput = true;
        Conv2DLowered.Forward(x.Span[..(n * InputSize)], Weight.Value, BiasParameter.Value, _y.AsSpan(0, n * OutputSize), _cols, n, OutChannels, Window);
        return _y;
    }

    // dY: (n, K, OutH, OutW) → dW = Σ dY ⋆ x: (K, C, kH, kW), dB = Σ dY: (K), both overwritten; returns dX: (n, C, H, W) or null
    public float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        LayerGuard.OutputGradient(this, dY, n, _hasInput);
        Span<float> dX = computeInputGradient ? _dX.AsSpan(0, n * InputSize) : default;
        Conv2DLowered.Backward(
            _x.Span[..(n * InputSize)], Weight.Value, dY.AsSpan(0, n * OutputSize), Weight.Gradient, BiasParameter.Gradient, dX, _cols, _dCols, _dWImage, n, OutChannels, Window);
        return computeInputGradient ? _dX : null;
    }
}
