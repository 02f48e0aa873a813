using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Data.Augmentation;
using ScratchNet.Training.Optimizers;
using ScratchNet.Data.Splits;

namespace ScratchNet.Training.Tests;

/// <summary>
/// The "a training step allocates 0 bytes", as a regression test: byte counts, unlike times, do not
/// depend on how busy the machine is. The step is the trainer's: the sampler's gather, then <see cref="TrainingStep"/>
/// (forward, softmax + cross-entropy, backward, SGD), on the reference network; with augmentation, the sampler's
/// gather also draws and applies each image's transform.
/// </summary>
public class TrainingStepAllocationTests
{
    private const int Features = 784;
    private const int Classes = 10;

    [TestCase(32, 1, "none")]
    [TestCase(128, 1, "none")]
    [TestCase(32, 2, "none")]
    [TestCase(64, 1, "affine")]
    [TestCase(64, 1, "elastic")]
    public void ATrainingStep_AllocatesNothing_OnceWarm(int batch, int threads, string augmentation)
    {
        using var team = threads > 1 ? new ComputeTeam(threads) : null;
        AssertAllocatesNothing(Sequential.Mlp([Features, 128, 64, Classes], "relu", "he_normal", 42, batch, team), batch, epochs: 25, augmentation);
    }

    // The wider network's first two layers run on the packed blocks (W over 512 KB), their products split over the
    // second thread when there is one.
    [TestCase(64, 1)]
    [TestCase(64, 2)]
    public void AWideTrainingStep_AllocatesNothing_OnceWarm(int batch, int threads)
    {
        using var team = threads > 1 ? new ComputeTeam(threads) : null;
        AssertAllocatesNothing(Sequential.Mlp([Features, 700, 350, Classes], "relu", "he_normal", 42, batch, team), batch, epochs: 10, "none");
    }

    [TestCase("none")]
    [TestCase("elastic")]
    public void ACnnTrainingStep_AllocatesNothing_OnceWarm(string augmentation)
    {
        // Every layer kind: convolution (with stride and padding), batch norm, pooling, dropout, flatten, dense.
        string[] layers = ["conv 4 3x3 pad 1", "batchnorm", "relu", "maxpool 2", "conv 6 3x3 stride 2", "avgpool 2", "flatten", "dropout 0.2", "dense 16", "relu", "dense 10"];
        Sequential network = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(1, 28, 28), 8, "he_normal", 42);
        network.IsTraining = true;
        AssertAllocatesNothing(network, batch: 8, epochs: 3, augmentation);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void TheCnnRecipesTrainingStep_AllocatesNothing_OnceWarm(int threads)
    {
        // conv → relu → maxpool twice: the blocks Sequential runs image by image, their images shared out over the threads.
        string[] layers = ["conv 16 3x3 pad 1", "relu", "maxpool 2", "conv 32 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 128", "relu", "dense 10"];
        using var team = threads > 1 ? new ComputeTeam(threads) : null;
        Sequential network = NetworkBuilder.Build([.. layers.Select(LayerSyntax.Parse)], new Shape(1, 28, 28), 64, "he_normal", 42, team);
        network.IsTraining = true;
        AssertAllocatesNothing(network, batch: 64, epochs: 2, "none");
    }

    private static void AssertAllocatesNothing(Sequential network, int batch, int epochs, string augmentation)
    {
        var step = new TrainingStep(network, new Sgd(0.003f, momentum: 0.9f), batch);
        var rng = new Xoshiro256(5);
        int rows = 4 * batch;
        var pixels = new byte[rows * Features];
        var labels = new byte[rows];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)rng.NextInt(256);
        }

        for (int i = 0; i < rows; i++)
        {
            labels[i] = (byte)rng.NextInt(Classes);
        }

        ImageAugmenter? augmenter = augmentation == "none"
            ? null
            : new ImageAugmenter(new AugmentationOptions { Enabled = true, Elastic = augmentation == "elastic" }, new Shape(1, 28, 28), seed: 8);
        var sampler = new MinibatchSampler(DataSplit.FromPixels(pixels, labels, Features, Classes), batch, new Xoshiro256(6), augmenter: augmenter);
        int epoch = 0;

        void Epoch()
        {
            sampler.BeginEpoch(++epoch);
            for (int b = 0; b < sampler.BatchCount; b++)
            {
                int n = sampler.Fill(b, step.X, step.Y, step.Labels);
                step.Run(n);
            }
        }

        // Warm: the momentum buffers are created on the first step, and the JIT settles.
        for (int e = 0; e < epochs; e++)
        {
            Epoch();
        }

        // This thread's count: the whole process's would include whatever the test runner allocates meanwhile.
        // With two threads the worker runs kernel parts only; the caller does everything that could allocate.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int e = 0; e < epochs; e++)
        {
            Epoch();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, $"bytes allocated by {4 * epochs} training steps");
    }
}
