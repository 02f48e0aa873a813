using BenchmarkDotNet.Attributes;
using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Training;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Benchmarks;

/// <summary>The cnn recipe's two convolution blocks: conv K 3x3 pad 1 → relu → maxpool 2 on C × S × S inputs.</summary>
public enum ConvolutionBlock
{
    /// <summary>conv0: 1 × 28 × 28 → 16 × 28 × 28 → 16 × 14 × 14.</summary>
    First,

    /// <summary>conv1: 16 × 14 × 14 → 32 × 14 × 14 → 32 × 7 × 7.</summary>
    Second,
}

/// <summary>
/// The kernels of one convolution block of the cnn recipe on a batch of 64 random images (the speed target's batch), one
/// thread: the unfold and fold (per image, so Mean is per image), the lowered convolution and the pooling over the batch,
/// and the fused block (<see cref="ConvReluMaxPool"/>) that <see cref="Sequential"/> runs instead of the three layers, beside
/// the lowered path it ran before the first block got its own kernel (<see cref="GreyConvReluMaxPool"/>).
/// Every kernel must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class ConvolutionBenchmarks
{
    private const int Batch = 64;
    private static readonly Relu Rectifier = new();

    private Window2D _conv;
    private Window2D _pool;
    private int _k;
    private float[] _x = null!;
    private float[] _w = null!;
    private float[] _b = null!;
    private float[] _y = null!;
    private float[] _pooled = null!;
    private int[] _argmax = null!;
    private float[] _dPooled = null!;
    private float[] _dMasked = null!;
    private float[] _dY = null!;
    private float[] _dW = null!;
    private float[] _dB = null!;
    private float[] _dX = null!;
    private float[] _blockDX = null!;
    private float[] _cols = null!;
    private float[] _scratch = null!;
    private float[] _blockScratch = null!;
    private float[] _partials = null!;
    private float[] _packed = null!;

    [Params(ConvolutionBlock.First, ConvolutionBlock.Second)]
    public ConvolutionBlock Block { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (int c, int side, _k) = Block == ConvolutionBlock.First ? (1, 28, 16) : (16, 14, 32);
        _conv = new Window2D(c, side, side, 3, 3, 1, 1);
        _pool = new Window2D(_k, side, side, 2, 2, 2);
        var rng = new Xoshiro256(5);
        float[] Random(int length) => Enumerable.Range(0, length).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        _x = Random(Batch * _conv.InputSize);
        _w = Random(_k * _conv.PatchSize);
        _b = Random(_k);
        _y = new float[Batch * _k * _conv.OutPlane];
        _pooled = new float[Batch * _k * _pool.OutPlane];
        _argmax = new int[_pooled.Length];
        _dPooled = Random(_pooled.Length);
        _dY = Random(_y.Length);
        _dMasked = new float[_k * _pool.OutPlane];
        _dW = new float[_w.Length];
        _dB = new float[_k];
        _dX = new float[_x.Length];
        _blockDX = Block == ConvolutionBlock.First ? [] : _dX;
        _cols = Random(_conv.PatchSize * _conv.OutPlane);
        _scratch = new float[Conv2DLowered.ScratchPerThread(_k, _conv)];
        _blockScratch = new float[ConvReluMaxPool.ScratchPerThread(_k, _conv, _pool)];
        _partials = new float[Conv2DLowered.PartialsLength(Batch, _k, _conv)];
        _packed = new float[ConvReluMaxPool.PackedWeightsLength(_k, _conv)];
        Conv2DLowered.Forward(_x, _w, _b, _y, _scratch, Batch, _k, _conv, null);
        ConvReluMaxPool.Forward(_x, _w, _b, _pooled, _argmax, _blockScratch, Batch, _k, _conv, _pool, null);
    }

    /// <summary>One image unfolded (<see cref="Im2Col"/>): Mean is per image.</summary>
    [Benchmark]
    public void Im2ColImage() => Im2Col.Forward(_x.AsSpan(0, _conv.InputSize), _cols, _conv);

    /// <summary>One image folded back (<see cref="Col2Im"/>): Mean is per image.</summary>
    [Benchmark]
    public void Col2ImImage() => Col2Im.Backward(_cols, _dX.AsSpan(0, _conv.InputSize), _conv);

    /// <summary>The convolution layer's forward over the batch: per image an unfold, one product, the bias.</summary>
    [Benchmark]
    public void ConvForward() => Conv2DLowered.Forward(_x, _w, _b, _y, _scratch, Batch, _k, _conv, null);

    /// <summary>The convolution layer's backward over the batch: dW, dB and dX (the first block's dX is never needed, but measured).</summary>
    [Benchmark]
    public void ConvBackward() => Conv2DLowered.Backward(_x, _w, _dY, _dW, _dB, _dX, _scratch, _partials, Batch, _k, _conv, null);

    /// <summary>The max pooling layer's forward over the batch (the 2 × 2 vector path).</summary>
    [Benchmark]
    public void MaxPoolForward() => Pooling.MaxForward(_y, _pooled, _argmax, Batch, _pool);

    /// <summary>The max pooling layer's backward over the batch.</summary>
    [Benchmark]
    public void MaxPoolBackward() => Pooling.MaxBackward(_dPooled, _argmax, _y, Batch, _pool);

    /// <summary>conv → relu → maxpool forward, image by image, as Sequential runs it.</summary>
    [Benchmark]
    public void BlockForward() => ConvReluMaxPool.Forward(_x, _w, _b, _pooled, _argmax, _blockScratch, Batch, _k, _conv, _pool, null);

    /// <summary>
    /// conv → relu → maxpool backward, image by image, as Sequential runs it: the grey block's (<see cref="GreyConvReluMaxPool"/>)
    /// for the first block, which needs no input gradient, the sparse backward for the second.
    /// </summary>
    [Benchmark]
    public void BlockBackward() =>
        ConvReluMaxPool.Backward(_x, _w, _pooled, _argmax, _dPooled, _dW, _dB, _blockDX, _blockScratch, _partials, _packed, Batch, _k, _conv, _pool, null);

    /// <summary>
    /// The same with the dense products on the pooling's gradient (no packed weights), the whole batch as one group: what the
    /// sparse backward is measured against (the first block, grey, still takes the grey backward here; see BlockBackwardLowered).
    /// </summary>
    [Benchmark]
    public void BlockBackwardDense() =>
        ConvReluMaxPool.Backward(_x, _w, [], _pooled, _argmax, _dPooled, _dW, _dB, _blockDX, _blockScratch, Batch, _k, _conv, _pool);

    /// <summary>
    /// The block's forward as it ran before <see cref="GreyConvReluMaxPool"/> took the first block (and still runs the second):
    /// per image the lowered convolution, ReLU and the pooling. What the grey kernel is measured against.
    /// </summary>
    [Benchmark]
    public void BlockForwardLowered()
    {
        int image = _conv.InputSize, output = _k * _pool.OutPlane;
        Span<float> z = _y.AsSpan(0, _k * _conv.OutPlane);
        for (int i = 0; i < Batch; i++)
        {
            Conv2DLowered.Forward(_x.AsSpan(i * image, image), _w, _b, z, _scratch.AsSpan(0, _conv.PatchSize * _conv.OutPlane), 1, _k, _conv);
            Rectifier.Forward(z, z);
            Pooling.MaxForward(z, _pooled.AsSpan(i * output, output), _argmax.AsSpan(i * output, output), 1, _pool);
        }
    }

    /// <summary>
    /// The block's dense backward without dX as it ran before <see cref="GreyConvReluMaxPool"/> took the first block, the whole
    /// batch as one group: per image ReLU's mask, the pooling's routing, the bias sums and the lowered weight gradient.
    /// </summary>
    [Benchmark]
    public void BlockBackwardLowered()
    {
        int image = _conv.InputSize, output = _k * _pool.OutPlane, plane = _conv.OutPlane, cols = _conv.PatchSize * plane;
        Span<float> dR = _y.AsSpan(0, _k * plane);
        _dB.AsSpan().Clear();
        for (int i = 0; i < Batch; i++)
        {
            Rectifier.Backward(default, _pooled.AsSpan(i * output, output), _dPooled.AsSpan(i * output, output), _dMasked);
            Pooling.MaxBackward(_dMasked, _argmax.AsSpan(i * output, output), dR, 1, _pool);
            Bias.AddChannelSums(dR, _dB, _k, plane);
            Conv2DLowered.BackwardImage(
                _x.AsSpan(i * image, image), _w, dR, _dW, default, _scratch.AsSpan(0, cols), _scratch.AsSpan(cols, cols), _scratch.AsSpan(2 * cols), i == 0, _k, _conv);
        }
    }
}

/// <summary>
/// One training step of the cnn recipe's network (Adam, batch 64, random 28 × 28 images) on 1 and 2 threads, with the blocks
/// fused (as training runs) and layer by layer. Samples/s = 64 / Mean; an epoch of 60,000 images is 938 steps. The step
/// must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class CnnTrainingStepBenchmarks
{
    public const int Batch = 64;

    private static readonly string[] Layers =
        ["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 128", "relu", "dense 10"];

    private ComputeTeam? _team;
    private TrainingStep _step = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(true, false)]
    public bool Fused { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _team = Threads > 1 ? new ComputeTeam(Threads) : null;
        Sequential network = NetworkBuilder.Build([.. Layers.Select(LayerSyntax.Parse)], new Shape(1, 28, 28), Batch, "he_normal", 42, _team);
        network.FusesBlocks = Fused;
        network.IsTraining = true;
        _step = new TrainingStep(network, new Adam(0.001f), Batch);
        var rng = new Xoshiro256(7);
        for (int i = 0; i < _step.X.Length; i++)
        {
            _step.X[i] = (float)rng.NextDouble();
        }

        for (int r = 0; r < Batch; r++)
        {
            int label = rng.NextInt(10);
            _step.Y[(r * 10) + label] = 1f;
            _step.Labels[r] = (byte)label;
        }
    }

    [GlobalCleanup]
    public void StopTeam() => _team?.Dispose();

    [Benchmark]
    public float Step() => _step.Run(Batch);
}
