using ScratchNet.Data.Splits;

namespace ScratchNet.Data.Tests.Splits;

public sealed class SplitterTests
{
    [TestCase(100, 80, 20)]
    [TestCase(70_000, 56_000, 14_000)]
    public void TheHoldOutTakesTheValidationFraction(int count, int train, int validation)
    {
        SplitIndices split = Splitter.RandomHoldOut(count, 0.2, seed: 42);

        Assert.That(split.Train, Has.Length.EqualTo(train));
        Assert.That(split.Validation, Has.Length.EqualTo(validation));
    }

    [Test]
    public void TheTwoPartsAreDisjointAndCoverEveryRow()
    {
        SplitIndices split = Splitter.RandomHoldOut(100, 0.2, seed: 42);

        Assert.That(split.Train.Intersect(split.Validation), Is.Empty);
        Assert.That(split.Train.Concat(split.Validation).Order(), Is.EqualTo(Enumerable.Range(0, 100)));
    }

    [Test]
    public void TheSameSeedGivesTheSameSplitAndAnotherSeedADifferentOne()
    {
        SplitIndices a = Splitter.RandomHoldOut(100, 0.2, seed: 42);
        SplitIndices b = Splitter.RandomHoldOut(100, 0.2, seed: 42);
        SplitIndices c = Splitter.RandomHoldOut(100, 0.2, seed: 43);

        Assert.That(b.Validation, Is.EqualTo(a.Validation));
        Assert.That(c.Validation, Is.Not.EqualTo(a.Validation));
    }

    [Test]
    public void GatherCopiesTheChosenRowsWithScaledPixelsAndOneHotTargets()
    {
        byte[] pixels = [0, 255, 51, 102, 204, 0];
        byte[] labels = [7, 1, 3];

        DataSplit split = Splitter.Gather(pixels, labels, [2, 0], featureCount: 2, classCount: 10);

        Assert.That(split.Features, Is.EqualTo(new[] { 204 / 255f, 0f, 0f, 1f }));
        Assert.That(split.Labels, Is.EqualTo(new byte[] { 3, 7 }));
        Assert.That(split.Targets[3], Is.EqualTo(1f));
        Assert.That(split.Targets[10 + 7], Is.EqualTo(1f));
    }

    [Test]
    public void GatheringFromTwoSetsTreatsThemAsOnePooledSet()
    {
        byte[] firstPixels = [10, 20, 30, 40];
        byte[] secondPixels = [50, 60];

        DataSplit split = Splitter.Gather(firstPixels, [1, 2], secondPixels, [3], [2, 0], featureCount: 2, classCount: 10);

        Assert.That(split.Features, Is.EqualTo(new[] { 50 / 255f, 60 / 255f, 10 / 255f, 20 / 255f }));
        Assert.That(split.Labels, Is.EqualTo(new byte[] { 3, 1 }));
    }

    [Test]
    public void Gather_OverTwoSets_ReadsEveryRowAsItsScaledPixels()
    {
        // Rows from both sets in shuffled order; the pixels and labels follow from the row index.
        const int first = 500, second = 150, featureCount = 3;
        byte[] firstPixels = Enumerable.Range(0, first * featureCount).Select(i => (byte)(i * 7)).ToArray();
        byte[] secondPixels = Enumerable.Range(0, second * featureCount).Select(i => (byte)(i * 11)).ToArray();
        byte[] firstLabels = Enumerable.Range(0, first).Select(i => (byte)(i % 10)).ToArray();
        byte[] secondLabels = Enumerable.Range(0, second).Select(i => (byte)((i * 3) % 10)).ToArray();
        int[] rows = Splitter.RandomHoldOut(first + second, 0.3, 5).Train;
        new ScratchNet.Core.Random.Xoshiro256(3).Shuffle(rows.AsSpan());

        DataSplit split = Splitter.Gather(firstPixels, firstLabels, secondPixels, secondLabels, rows, featureCount, 10);

        float[] expected = rows
            .SelectMany(row => row < first ? firstPixels[(row * featureCount)..((row + 1) * featureCount)] : secondPixels[((row - first) * featureCount)..((row - first + 1) * featureCount)])
            .Select(p => p / 255f)
            .ToArray();
        Assert.That(split.Features, Is.EqualTo(expected));
        Assert.That(split.Labels, Is.EqualTo(rows.Select(row => row < first ? firstLabels[row] : secondLabels[row - first])));
    }

    [Test]
    public void Gather_Throws_WhenARowIsOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Splitter.Gather([1, 2], [1], [3, 4], [2], [0, 2], featureCount: 2, classCount: 10));
}
