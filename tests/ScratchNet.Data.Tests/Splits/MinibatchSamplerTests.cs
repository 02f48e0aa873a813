using ScratchNet.Core.Random;
using ScratchNet.Data.Splits;

namespace ScratchNet.Data.Tests.Splits;

public sealed class MinibatchSamplerTests
{
    private static DataSplit Rows(int count)
    {
        // Each row's single feature is its own index, so a batch shows which rows it holds.
        float[] features = Enumerable.Range(0, count).Select(i => (float)i).ToArray();
        byte[] labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        return DataSplit.FromLabels(features, labels, featureCount: 1, classCount: 10);
    }

    private static List<List<int>> Epoch(MinibatchSampler sampler)
    {
        sampler.BeginEpoch();
        var x = new float[sampler.BatchSize];
        var y = new float[sampler.BatchSize * 10];
        var labels = new byte[sampler.BatchSize];
        var batches = new List<List<int>>();
        for (int b = 0; b < sampler.BatchCount; b++)
        {
            int rows = sampler.Fill(b, x, y, labels);
            batches.Add(x[..rows].Select(v => (int)v).ToList());
        }

        return batches;
    }

    [Test]
    public void BatchesCoverEveryRowExactlyOncePerEpochAndTheLastIsShorter()
    {
        var sampler = new MinibatchSampler(Rows(103), batchSize: 10, new Xoshiro256(7));

        List<List<int>> batches = Epoch(sampler);

        Assert.That(batches, Has.Count.EqualTo(11));
        Assert.That(batches[^1], Has.Count.EqualTo(3));
        Assert.That(batches.SelectMany(b => b).Order(), Is.EqualTo(Enumerable.Range(0, 103)));
    }

    [Test]
    public void TheSameSeedGivesTheSameOrder()
    {
        List<List<int>> a = Epoch(new MinibatchSampler(Rows(50), 8, new Xoshiro256(7)));
        List<List<int>> b = Epoch(new MinibatchSampler(Rows(50), 8, new Xoshiro256(7)));
        List<List<int>> c = Epoch(new MinibatchSampler(Rows(50), 8, new Xoshiro256(8)));

        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void LabelsAndOneHotTargetsFollowTheirRows()
    {
        var sampler = new MinibatchSampler(Rows(30), 30, new Xoshiro256(3));
        sampler.BeginEpoch();
        var x = new float[30];
        var y = new float[300];
        var labels = new byte[30];

        sampler.Fill(0, x, y, labels);

        for (int r = 0; r < 30; r++)
        {
            Assert.That(labels[r], Is.EqualTo((int)x[r] % 10));
            Assert.That(y[(r * 10) + labels[r]], Is.EqualTo(1f));
        }
    }

    [Test]
    public void WithoutShufflingEveryEpochServesTheRowsInSplitOrderWhateverTheSeed()
    {
        var first = new MinibatchSampler(Rows(10), 4, new Xoshiro256(1), shuffle: false);
        var second = new MinibatchSampler(Rows(10), 4, new Xoshiro256(99), shuffle: false);
        List<List<int>> expected = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]];
        Assert.That(Epoch(first), Is.EqualTo(expected));
        Assert.That(Epoch(first), Is.EqualTo(expected));
        Assert.That(Epoch(second), Is.EqualTo(expected));
    }

    [Test]
    public void Fill_GivesTheSameBatches_FromPixelAndFloatBackedSplits()
    {
        const int features = 29;
        var rng = new Xoshiro256(11);
        byte[] pixels = Enumerable.Range(0, 70 * features).Select(_ => (byte)rng.NextInt(256)).ToArray();
        byte[] labels = Enumerable.Range(0, 70).Select(i => (byte)(i % 10)).ToArray();
        var floats = new float[pixels.Length];
        ScratchNet.Data.Idx.PixelScaler.Scale(pixels, floats);
        var fromPixels = new MinibatchSampler(DataSplit.FromPixels(pixels, labels, features, 10), 16, new Xoshiro256(4));
        var fromFloats = new MinibatchSampler(DataSplit.FromLabels(floats, labels, features, 10), 16, new Xoshiro256(4));
        fromPixels.BeginEpoch();
        fromFloats.BeginEpoch();
        var (xa, ya, la) = (new float[16 * features], new float[160], new byte[16]);
        var (xb, yb, lb) = (new float[16 * features], new float[160], new byte[16]);

        for (int b = 0; b < fromPixels.BatchCount; b++)
        {
            Assert.That(fromPixels.Fill(b, xa, ya, la), Is.EqualTo(fromFloats.Fill(b, xb, yb, lb)));
            Assert.That(xa.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(xb.Select(BitConverter.SingleToInt32Bits)));
            Assert.That(ya, Is.EqualTo(yb));
            Assert.That(la, Is.EqualTo(lb));
        }
    }

    [Test]
    public void Fill_AllocatesNothing_FromAPixelBackedSplit()
    {
        const int features = 784;
        var sampler = new MinibatchSampler(DataSplit.FromPixels(new byte[100 * features], new byte[100], features, 10), 32, new Xoshiro256(2));
        sampler.BeginEpoch();
        var (x, y, labels) = (new float[32 * features], new float[320], new byte[32]);
        sampler.Fill(0, x, y, labels);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int b = 0; b < sampler.BatchCount; b++)
        {
            sampler.Fill(b, x, y, labels);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
