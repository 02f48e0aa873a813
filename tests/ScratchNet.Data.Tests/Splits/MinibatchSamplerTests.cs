using ScratchNet.Core.Random;

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
    public void Batches_cover_every_row_exactly_once_per_epoch_and_the_last_is_shorter()
    {
        var sampler = new MinibatchSampler(Rows(103), batchSize: 10, new Xoshiro256(7));

        List<List<int>> batches = Epoch(sampler);

        Assert.That(batches, Has.Count.EqualTo(11));
        Assert.That(batches[^1], Has.Count.EqualTo(3));
        Assert.That(batches.SelectMany(b => b).Order(), Is.EqualTo(Enumerable.Range(0, 103)));
    }

    [Test]
    public void The_same_seed_gives_the_same_order()
    {
        List<List<int>> a = Epoch(new MinibatchSampler(Rows(50), 8, new Xoshiro256(7)));
        List<List<int>> b = Epoch(new MinibatchSampler(Rows(50), 8, new Xoshiro256(7)));
        List<List<int>> c = Epoch(new MinibatchSampler(Rows(50), 8, new Xoshiro256(8)));

        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void Labels_and_one_hot_targets_follow_their_rows()
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
    public void Without_shuffling_every_epoch_serves_the_rows_in_split_order_whatever_the_seed()
    {
        var first = new MinibatchSampler(Rows(10), 4, new Xoshiro256(1), shuffle: false);
        var second = new MinibatchSampler(Rows(10), 4, new Xoshiro256(99), shuffle: false);
        List<List<int>> expected = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]];
        Assert.That(Epoch(first), Is.EqualTo(expected));
        Assert.That(Epoch(first), Is.EqualTo(expected));
        Assert.That(Epoch(second), Is.EqualTo(expected));
    }
}
