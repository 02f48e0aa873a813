using BenchmarkDotNet.Attributes;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Random;

namespace ScratchNet.Benchmarks;

/// <summary>
/// <see cref="MatMul.Multiply(ReadOnlyMemory{float}, ReadOnlyMemory{float}, Memory{float}, int, int, int, ComputeTeam?, bool, bool, bool)"/>
/// at the shapes that go beyond the reference MLP: the large products of a 784-2048-2048-10 MLP at batch 256 in the
/// three layouts a dense layer uses (NN forward, TN weight gradient, NT input gradient), a square 512 product in all
/// four layouts, and the products a small convolution lowers to (im2col: 3 × 3 kernels over 14 × 14 and 28 × 28 maps,
/// one image and a batch of 64), on one and two threads. Compare GFLOP/s with <see cref="FmaPeakBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class ProductBenchmarks
{
    private ComputeTeam? _team;
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Large products (m, k, n ≥ 256).</summary>
    public static IEnumerable<ProductShape> Large() =>
    [
        new(256, 784, 2048, "NN"), new(256, 2048, 2048, "NN"),
        new(784, 256, 2048, "TN"), new(2048, 256, 2048, "TN"),
        new(256, 2048, 2048, "NT"),
        new(512, 512, 512, "NN"), new(512, 512, 512, "TN"), new(512, 512, 512, "NT"), new(512, 512, 512, "TT"),
    ];

    /// <summary>
    /// Convolution-sized products: 32 filters of 16 × 3 × 3 over a 14 × 14 map (forward NN, weight gradient NT, column
    /// gradient TN), 16 filters of 1 × 3 × 3 over 28 × 28, and 32 filters over 64 images' 14 × 14 patches as rows.
    /// </summary>
    public static IEnumerable<ProductShape> Convolution() =>
    [
        new(32, 144, 196, "NN"), new(32, 196, 144, "NT"), new(144, 32, 196, "TN"),
        new(16, 9, 784, "NN"),
        new(12544, 144, 32, "NN"), new(144, 12544, 32, "TN"), new(12544, 32, 144, "NT"),
    ];

    [GlobalSetup]
    public void Setup()
    {
        _team = Threads > 1 ? new ComputeTeam(Threads) : null;
        int largest = Large().Concat(Convolution()).Max(s => Math.Max(s.M * s.K, Math.Max(s.K * s.N, s.M * s.N)));
        var rng = new Xoshiro256(2025);
        _a = MatMulBenchmarks.Random(rng, largest);
        _b = MatMulBenchmarks.Random(rng, largest);
        _c = new float[largest];
    }

    [GlobalCleanup]
    public void Cleanup() => _team?.Dispose();

    [Benchmark]
    [ArgumentsSource(nameof(Large))]
    public void LargeProduct(ProductShape shape) => Run(shape);

    [Benchmark]
    [ArgumentsSource(nameof(Convolution))]
    public void ConvolutionProduct(ProductShape shape) => Run(shape);

    private void Run(ProductShape shape) =>
        MatMul.Multiply(_a.AsMemory(0, shape.M * shape.K), _b.AsMemory(0, shape.K * shape.N), _c.AsMemory(0, shape.M * shape.N), shape.M, shape.K, shape.N, _team, shape.TransposeA, shape.TransposeB);
}
