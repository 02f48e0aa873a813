using ScratchNet.Core.Random;

namespace ScratchNet.Core.Tests.Random;

public class Xoshiro256Tests
{
    [Test]
    public void SameSeed_GivesSameStream()
    {
        var a = new Xoshiro256(42);
        var b = new Xoshiro256(42);
        Assert.That(Enumerable.Range(0, 100).Select(_ => a.NextUInt64()), Is.EqualTo(Enumerable.Range(0, 100).Select(_ => b.NextUInt64())));
    }

    [Test]
    public void RestoredState_ContinuesTheStreamExactly()
    {
        var a = new Xoshiro256(7);
        a.NextUInt64();
        ulong[] state = a.GetState();
        ulong expected = a.NextUInt64();
        var b = new Xoshiro256(999);
        b.SetState(state);
        Assert.That(b.NextUInt64(), Is.EqualTo(expected));
    }

    [Test]
    public void NextInt_StaysInRange_AndHitsEveryValue()
    {
        var rng = new Xoshiro256(3);
        int[] counts = new int[7];
        for (int i = 0; i < 7000; i++)
        {
            counts[rng.NextInt(7)]++;
        }

        Assert.That(counts, Is.All.InRange(850, 1150));
    }

    [Test]
    public void NextGaussian_HasUnitVariance()
    {
        var rng = new Xoshiro256(5);
        double[] samples = Enumerable.Range(0, 20000).Select(_ => rng.NextGaussian()).ToArray();
        double mean = samples.Average();
        double variance = samples.Select(s => (s - mean) * (s - mean)).Average();
        Assert.That(mean, Is.EqualTo(0).Within(0.03));
        Assert.That(variance, Is.EqualTo(1).Within(0.05));
    }

    [Test]
    public void SetState_Throws_OnAllZeroState() =>
        Assert.Throws<ArgumentException>(() => new Xoshiro256(1).SetState([0, 0, 0, 0]));
}
