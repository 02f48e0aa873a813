using BenchmarkDotNet.Attributes;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Splits;

namespace ScratchNet.Benchmarks;

/// <summary>The three ways a batch can be gathered: as it is, with affine augmentation, and with elastic distortion on top.</summary>
public enum AugmentationMode
{
    None,
    Affine,
    Elastic,
}

/// <summary>60,000 random 28 × 28 8-bit images (MNIST's training set size and shape) and an augmenter for each mode.</summary>
internal static class AugmentationData
{
    public const int Side = 28;
    public const int Pixels = Side * Side;
    public const int Rows = 60_000;

    public static DataSplit Images(int rows = Rows)
    {
        var rng = new Xoshiro256(3);
        var pixels = new byte[rows * Pixels];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)rng.NextInt(256);
        }

        var labels = new byte[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = (byte)rng.NextInt(10);
        }

        return DataSplit.FromPixels(pixels, labels, Pixels, 10);
    }

    /// <summary>The defaults (shift ±2 px, rotation ±10°, scale ±10 %), with Simard's elastic α = 34, σ = 4 for <see cref="AugmentationMode.Elastic"/>.</summary>
    public static ImageAugmenter? Augmenter(AugmentationMode mode) => mode == AugmentationMode.None
        ? null
        : new ImageAugmenter(new AugmentationOptions { Enabled = true, Elastic = mode == AugmentationMode.Elastic }, new Shape(1, Side, Side), seed: 9);
}

/// <summary>
/// The sampler's gather of one batch of 64 (the CNN reference batch) from 60,000 random 28 × 28 images, per mode.
/// OperationsPerInvoke = 64, so Mean is the time per image; Affine − None is what augmentation adds per image.
/// </summary>
[MemoryDiagnoser]
public class AugmentationBenchmarks
{
    private const int Batch = 64;

    private MinibatchSampler _sampler = null!;
    private float[] _x = null!;
    private float[] _y = null!;
    private byte[] _labels = null!;
    private int _batch;

    [Params(AugmentationMode.None, AugmentationMode.Affine, AugmentationMode.Elastic)]
    public AugmentationMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _sampler = new MinibatchSampler(AugmentationData.Images(), Batch, new Xoshiro256(11), shuffle: true, AugmentationData.Augmenter(Mode));
        _sampler.BeginEpoch(1);
        _x = new float[Batch * AugmentationData.Pixels];
        _y = new float[Batch * 10];
        _labels = new byte[Batch];
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int FillBatch()
    {
        // Walk the epoch's batches, so rows come from all over the 47 MB of pixels as in training.
        _batch = (_batch + 1) % (_sampler.BatchCount - 1);
        return _sampler.Fill(_batch, _x, _y, _labels);
    }
}

/// <summary>
/// One MLP epoch at batch 64 over 60,000 random 28 × 28 8-bit images — shuffle, gather (augmented or not) and the
/// training steps of [784, 128, 64, 10] — per mode. Mean is the seconds per epoch; (Affine − None) / None is the
/// share augmentation adds to an MLP epoch.
/// </summary>
[MemoryDiagnoser]
public class AugmentedEpochBenchmarks : TrainingBenchmarkBase
{
    private const int Batch = 64;

    private MinibatchSampler _sampler = null!;

    [Params(AugmentationMode.None, AugmentationMode.Affine, AugmentationMode.Elastic)]
    public AugmentationMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        CreateNetwork(Batch, threads: 1);
        _sampler = new MinibatchSampler(AugmentationData.Images(), Batch, new Xoshiro256(11), shuffle: true, AugmentationData.Augmenter(Mode));
    }

    /// <returns>The mean training loss over the epoch, so the work cannot be elided.</returns>
    [Benchmark]
    public double Epoch()
    {
        _sampler.BeginEpoch(1);
        double lossSum = 0.0;
        for (int batch = 0; batch < _sampler.BatchCount; batch++)
        {
            int n = _sampler.Fill(batch, X, Y, Labels);
            lossSum += (double)TrainStep(n) * n;
        }

        return lossSum / AugmentationData.Rows;
    }
}
