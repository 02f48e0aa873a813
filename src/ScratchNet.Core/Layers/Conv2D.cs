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
/// Backward, from dY (n, K, OutH, OutW), each input place read by a tap (r, s) of output (i, j) collects what it gave:
/// <code>
/// dW[k,c,r,s] = Σn Σi Σj dY[n,k,i,j] · x[n, c, i·stride + r − pad, j·stride + s − pad]
/// dB[k]       = Σn Σi Σj dY[n,k,i,j]
/// dX[n,c,h,w] = Σk Σr Σs dY[n,k,i,j] · w[k,c,r,s]     over the (i, j) with i·stride + r − pad = h, j·stride + s − pad = w
/// </code>
/// Weights are stored (K, C, kH, kW), PyTorch's nn.Conv2d layout, so imported and exported weights need no
/// reshuffling; the bias is (K). The products run lowered to matrix products (<see cref="Conv2DLowered"/>);
/// <see cref="Conv2DNaive"/> writes the sums above as plain loops and is what the fast kernels are tested against.
/// In training, a conv → relu → maxpool run of layers goes as one block (<see cref="ConvReluMaxPoolBlock"/>, with
/// these outputs bit for bit and these gradients to float rounding), so a breakpoint here is reached by the explorer, by
/// networks without that run, and by training with <c>Training:FuseBlocks=false</c> (<see cref="Sequential.FusesBlocks"/>
/// off), which runs this layer's own Forward and Backward.
/// </summary>
public sealed class Conv2D : ILayer
{
    private readonly RowBuffer<float> _y;
    private readonly RowBuffer<float> _dX;
    private readonly float[] _scratch;
    private readonly RowBuffer<float> _partials = new(1);
    private readonly ComputeTeam? _team;
    private ReadOnlyMemory<float> _x;
    private bool _hasInput;

    /// <param name="input">One input image: (C, H, W).</param>
    /// <param name="outChannels">K, the number of filters.</param>
    /// <param name="team">Threads the images may be shared out over; null is one thread. Results do not depend on it.</param>
    /// <exception cref="ArgumentException">The kernel does not fit the padded input.</exception>
    public Conv2D(string name, Shape input, int outChannels, int kernelHeight, int kernelWidth, int stride, int padding, int capacity, ComputeTeam? team = null)
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
        _y = new RowBuffer<float>(OutputShape.Size);
        _dX = new RowBuffer<float>(InputShape.Size);
        _team = team;
        _scratch = new float[(team?.Threads ?? 1) * Conv2DLowered.ScratchPerThread(outChannels, Window)];
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

    /// <summary>The threads the images are shared out over (null: one).</summary>
    internal ComputeTeam? Team => _team;

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
        float[] y = _y.Rows(n);
        Conv2DLowered.Forward(x[..(n * InputSize)], Weight.Value, BiasParameter.Value, y.AsMemory(0, n * OutputSize), _scratch, n, OutChannels, Window, _team);
        return y;
    }

    // dY: (n, K, OutH, OutW) → dW = Σ dY ⋆ x: (K, C, kH, kW), dB = Σ dY: (K), both overwritten; returns dX: (n, C, H, W) or null
    public float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        LayerGuard.OutputGradient(this, dY, n, _hasInput);
        float[]? dXRows = computeInputGradient ? _dX.Rows(n) : null;
        Memory<float> dX = dXRows is null ? default : dXRows.AsMemory(0, n * InputSize);
        Conv2DLowered.Backward(
            _x[..(n * InputSize)], Weight.Value, dY.AsMemory(0, n * OutputSize), Weight.Gradient, BiasParameter.Gradient, dX, _scratch,
            _partials.Rows(Conv2DLowered.PartialsLength(n, OutChannels, Window)), n, OutChannels, Window, _team);
        return dXRows;
    }
}
