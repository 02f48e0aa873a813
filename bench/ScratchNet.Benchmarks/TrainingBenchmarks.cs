using BenchmarkDotNet.Attributes;
using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Training;
using ScratchNet.Training.Optimizers;
using ScratchNet.Data.Splits;

namespace ScratchNet.Benchmarks;

/// <summary>The reference network and its step, shared by the step and epoch benchmarks.</summary>
public abstract class TrainingBenchmarkBase
{
    protected const int Features = 784;
    protected const int Classes = 10;
    protected static readonly int[] Sizes = [Features, 128, 64, Classes];

    private ComputeTeam? _team;
    private TrainingStep _step = null!;

    protected float[] X => _step.X;

    protected float[] Y => _step.Y;

    protected byte[] Labels => _step.Labels;

    /// <summary>Builds Sequential.Mlp([784, 128, 64, 10], relu, he_normal, seed 42, capacity = batch) on a team of threads, SGD at 0.01 and the batch buffers.</summary>
    protected void CreateNetwork(int batch, int threads)
    {
        _team = threads > 1 ? new ComputeTeam(threads) : null;
        _step = new TrainingStep(Sequential.Mlp(Sizes, "relu", "he_normal", 42, batch, _team), new Sgd(0.01f), batch);
    }

    [GlobalCleanup]
    public void StopTeam() => _team?.Dispose();

    /// <summary>What Trainer does per batch once the batch is in X and Y: its <see cref="TrainingStep"/>.</summary>
    protected float TrainStep(int n) => _step.Run(n);

    /// <summary>Pixels uniform on [0, 1) like scaled MNIST, labels uniform over the classes.</summary>
    protected static (float[] Features, byte[] Labels) RandomData(Xoshiro256 rng, int rows)
    {
        var features = new float[rows * Features];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)rng.NextDouble();
        }

        var labels = new byte[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = (byte)rng.NextInt(Classes);
        }

        return (features, labels);
    }
}

/// <summary>
/// One training step on a fixed random batch, at batch 32 (the reference), 128 and 512, on 1 and 2 threads.
/// Samples/s = Batch / Mean. The step must allocate nothing (Allocated = 0 B or "-").
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks : TrainingBenchmarkBase
{
    [Params(32, 128, 512)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        CreateNetwork(Batch, Threads);
        (float[] features, byte[] labels) = RandomData(new Xoshiro256(7), Batch);
        features.CopyTo(X, 0);
        for (int r = 0; r < Batch; r++)
        {
            Y[(r * Classes) + labels[r]] = 1f;
        }
    }

    [Benchmark]
    public float Step() => TrainStep(Batch);
}

/// <summary>
/// One epoch-equivalent: 1,750 steps of 32 over 56,000 preallocated random rows (the size of the MNIST
/// training split after a 4,000-row validation hold-out), with the trainer's per-epoch shuffle and batch gather
/// through <see cref="MinibatchSampler"/>. No dataset is needed. Mean is the seconds per epoch.
/// </summary>
[MemoryDiagnoser]
public class TrainingEpochBenchmarks : TrainingBenchmarkBase
{
    public const int Rows = 56_000;

    private MinibatchSampler _sampler = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int batch = 32;
        CreateNetwork(batch, Threads);
        (float[] features, byte[] labels) = RandomData(new Xoshiro256(7), Rows);
        _sampler = new MinibatchSampler(DataSplit.FromLabels(features, labels, Features, Classes), batch, new Xoshiro256(11), shuffle: true);
    }

    /// <returns>The mean training loss over the epoch, so the work cannot be elided.</returns>
    [Benchmark]
    public double Epoch()
    {
        _sampler.BeginEpoch();
        double lossSum = 0.0;
        for (int batch = 0; batch < _sampler.BatchCount; batch++)
        {
            int n = _sampler.Fill(batch, X, Y, Labels);
            lossSum += (double)TrainStep(n) * n;
        }

        return lossSum / Rows;
    }
}
