using ScratchNet.Core.Layers;
using ScratchNet.Core.Random;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Splits;

namespace ScratchNet.Data.Tests.Augmentation;

/// <summary>The sampler with an <see cref="ImageAugmenter"/>: what a training batch looks like with augmentation on.</summary>
public sealed class AugmentedSamplerTests
{
    private const int Side = 12;
    private const int Features = Side * Side;
    private const int Rows = 50;
    private const int Batch = 8;

    private static readonly Shape Shape = new(1, Side, Side);

    private static DataSplit Split() => DataSplit.FromPixels(Images.Random(Rows * Features, 21), [.. Enumerable.Range(0, Rows).Select(i => (byte)(i % 10))], Features, 10);

    private static ImageAugmenter Augmenter(bool elastic = false, double strength = 1) => new(
        new AugmentationOptions { Enabled = true, MaxShift = 2 * strength, MaxRotationDegrees = 10 * strength, ScaleRange = 0.1 * strength, Elastic = elastic, ElasticSigma = 2, ElasticAlpha = 8 * strength },
        Shape,
        seed: 77);

    private static List<float[]> Epoch(MinibatchSampler sampler, int epoch)
    {
        sampler.BeginEpoch(epoch);
        var batches = new List<float[]>();
        for (int b = 0; b < sampler.BatchCount; b++)
        {
            var x = new float[Batch * Features];
            int rows = sampler.Fill(b, x, new float[Batch * 10], new byte[Batch]);
            batches.Add(x[..(rows * Features)]);
        }

        return batches;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TheSameSeed_GivesTheSameBatches(bool elastic)
    {
        DataSplit split = Split();
        List<float[]> a = Epoch(new MinibatchSampler(split, Batch, new Xoshiro256(4), augmenter: Augmenter(elastic)), 3);
        List<float[]> b = Epoch(new MinibatchSampler(split, Batch, new Xoshiro256(4), augmenter: Augmenter(elastic)), 3);
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void EachEpoch_TransformsTheImagesAnew()
    {
        // Without shuffling both epochs hold the same rows in the same places; only the transforms differ.
        var sampler = new MinibatchSampler(Split(), Batch, new Xoshiro256(4), shuffle: false, Augmenter());
        List<float[]> first = Epoch(sampler, 1);
        List<float[]> second = Epoch(sampler, 2);
        for (int b = 0; b < first.Count; b++)
        {
            Assert.That(second[b], Is.Not.EqualTo(first[b]), $"batch {b}");
        }

        Assert.That(Epoch(sampler, 1), Is.EqualTo(first), "epoch 1 again");
    }

    [Test]
    public void AnImageDoesNotDependOnWhichBatchItLandsIn()
    {
        // Keyed by (epoch, row), not by position: two generators put row 0 in different batches, same pixels.
        DataSplit split = Split();
        var a = new MinibatchSampler(split, Batch, new Xoshiro256(1), augmenter: Augmenter(elastic: true));
        var b = new MinibatchSampler(split, Batch, new Xoshiro256(2), augmenter: Augmenter(elastic: true));
        float[] RowZero(MinibatchSampler sampler)
        {
            List<float[]> batches = Epoch(sampler, 5);
            int position = sampler.Order.IndexOf(0);
            return batches[position / Batch][((position % Batch) * Features)..(((position % Batch) + 1) * Features)];
        }

        Assert.That(RowZero(b), Is.EqualTo(RowZero(a)));
    }

    [Test]
    public void AnAugmenterOfZeroStrength_GivesThePlainBatches_BitForBit()
    {
        DataSplit split = Split();
        List<float[]> plain = Epoch(new MinibatchSampler(split, Batch, new Xoshiro256(4)), 2);
        List<float[]> none = Epoch(new MinibatchSampler(split, Batch, new Xoshiro256(4), augmenter: Augmenter(elastic: true, strength: 0)), 2);
        Assert.That(none, Is.EqualTo(plain));
        Assert.That(Epoch(new MinibatchSampler(split, Batch, new Xoshiro256(4), augmenter: Augmenter()), 2), Is.Not.EqualTo(plain));
    }

    [Test]
    public void TheSampler_RefusesAnAugmenter_ForFloatRowsOrAnotherShape()
    {
        DataSplit floats = DataSplit.FromLabels(new float[Rows * Features], new byte[Rows], Features, 10);
        var ex = Assert.Throws<ArgumentException>(() => _ = new MinibatchSampler(floats, Batch, new Xoshiro256(1), augmenter: Augmenter()));
        Assert.That(ex!.Message, Does.Contain("augmentation needs 8-bit images of 144 pixels (1 × 12 × 12), but the split holds float rows of 144 features"));

        DataSplit wide = DataSplit.FromPixels(new byte[Rows * 150], new byte[Rows], 150, 10);
        Assert.Throws<ArgumentException>(() => _ = new MinibatchSampler(wide, Batch, new Xoshiro256(1), augmenter: Augmenter()));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Fill_AllocatesNothing_WithAugmentation(bool elastic)
    {
        var sampler = new MinibatchSampler(Split(), Batch, new Xoshiro256(2), augmenter: Augmenter(elastic));
        var (x, y, labels) = (new float[Batch * Features], new float[Batch * 10], new byte[Batch]);
        sampler.BeginEpoch(1);
        sampler.Fill(0, x, y, labels);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int epoch = 2; epoch < 5; epoch++)
        {
            sampler.BeginEpoch(epoch);
            for (int b = 0; b < sampler.BatchCount; b++)
            {
                sampler.Fill(b, x, y, labels);
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
