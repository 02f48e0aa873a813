using BenchmarkDotNet.Attributes;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Benchmarks;

/// <summary>
/// The three dense-layer products at the shapes of the reference MLP [784, 128, 64, 10] at batch 32, 128 and 512
/// (bench/compare/blas_gemm.py times OpenBLAS at the same shapes).
/// BackwardInput skips 784×128: the trainer never computes the first layer's input gradient.
/// Buffers are allocated once for the largest shape; each case works on their leading slices.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class MatMulBenchmarks
{
    public const int Batch = 32;

    private const int MaxBatch = 512;
    private const int MaxIn = 784;
    private const int MaxOut = 128;

    private float[] _x = [];
    private float[] _w = [];
    private float[] _b = [];
    private float[] _y = [];
    private float[] _dY = [];
    private float[] _dW = [];
    private float[] _dX = [];

    /// <summary>The three layers at batch 32, then at 128 and 512 (the throughput batch sizes).</summary>
    public static IEnumerable<LayerShape> AllLayers() =>
        from batch in BatchSizes from layer in new[] { (784, 128), (128, 64), (64, 10) } select new LayerShape(batch, layer.Item1, layer.Item2);

    public static IEnumerable<LayerShape> LayersAfterTheFirst() => AllLayers().Where(s => s.In != 784);

    private static IEnumerable<int> BatchSizes => [Batch, 128, MaxBatch];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Xoshiro256(2024);
        _x = Random(rng, MaxBatch * MaxIn);
        _w = Random(rng, MaxIn * MaxOut);
        _b = Random(rng, MaxOut);
        _y = new float[MaxBatch * MaxOut];
        _dY = Random(rng, MaxBatch * MaxOut);
        _dW = new float[MaxIn * MaxOut];
        _dX = new float[MaxBatch * MaxIn];
    }

    /// <summary>y = x·W + b.</summary>
    [Benchmark]
    [ArgumentsSource(nameof(AllLayers))]
    public void Forward(LayerShape shape) =>
        MatMul.Forward(_x.AsSpan(0, shape.Batch * shape.In), _w.AsSpan(0, shape.In * shape.Out), _b.AsSpan(0, shape.Out), _y.AsSpan(0, shape.Batch * shape.Out), shape.Batch, shape.In, shape.Out);

    /// <summary>dW = xᵀ·dY.</summary>
    [Benchmark]
    [ArgumentsSource(nameof(AllLayers))]
    public void BackwardWeights(LayerShape shape) =>
        MatMul.BackwardWeights(_x.AsSpan(0, shape.Batch * shape.In), _dY.AsSpan(0, shape.Batch * shape.Out), _dW.AsSpan(0, shape.In * shape.Out), shape.Batch, shape.In, shape.Out);

    /// <summary>dX = dY·Wᵀ as Dense runs it (Wᵀ transposed into scratch or packed by the kernel, timed too).</summary>
    [Benchmark]
    [ArgumentsSource(nameof(LayersAfterTheFirst))]
    public void BackwardInput(LayerShape shape) =>
        MatMul.BackwardInput(_dY.AsSpan(0, shape.Batch * shape.Out), _w.AsSpan(0, shape.In * shape.Out), _dX.AsSpan(0, shape.Batch * shape.In), shape.Batch, shape.In, shape.Out);

    internal static float[] Random(Xoshiro256 rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2.0) - 1.0);
        }

        return values;
    }
}
