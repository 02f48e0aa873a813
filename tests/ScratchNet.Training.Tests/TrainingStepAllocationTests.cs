using ScratchNet.Core.Kernels;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Training.Tests;

/// <summary>
/// The "a training step allocates 0 bytes", as a regression test: byte counts, unlike times, do not
/// depend on how busy the machine is. The step is the trainer's: the sampler's gather, then <see cref="TrainingStep"/>
/// (forward, softmax + cross-entropy, backward, SGD), on the reference network.
/// </summary>
public class TrainingStepAllocationTests
{
    private const int Features = 784;
    private const int Classes = 10;

    // The reference network, and a wider one whose first two layers run on the packed blocks (W over 512 KB), their products
    // split over the second thread.
    [TestCase(32, 1, 128)]
    [TestCase(128, 1, 128)]
    [TestCase(32, 2, 128)]
    [TestCase(64, 1, 700)]
    [TestCase(64, 2, 700)]
    public void ATrainingStep_AllocatesNothing_OnceWarm(int batch, int threads, int hidden)
    {
        using var team = threads > 1 ? new ComputeTeam(threads) : null;
        var step = new TrainingStep(Sequential.Mlp([Features, hidden, hidden / 2, Classes], "relu", "he_normal", 42, batch, team), new Sgd(0.003f, momentum: 0.9f), batch);
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

        var sampler = new MinibatchSampler(DataSplit.FromPixels(pixels, labels, Features, Classes), batch, new Xoshiro256(6));

        void Epoch()
        {
            sampler.BeginEpoch();
            for (int b = 0; b < sampler.BatchCount; b++)
            {
                int n = sampler.Fill(b, step.X, step.Y, step.Labels);
                step.Run(n);
            }
        }

        // Warm: the momentum buffers are created on the first step, and the JIT settles.
        for (int e = 0; e < 25; e++)
        {
            Epoch();
        }

        // This thread's count: the whole process's would include whatever the test runner allocates meanwhile.
        // With two threads the worker runs kernel parts only; the caller does everything that could allocate.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int e = 0; e < 25; e++)
        {
            Epoch();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, "bytes allocated by 100 training steps");
    }
}
