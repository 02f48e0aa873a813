using System.Runtime.Intrinsics;
using ScratchNet.Data.Augmentation;

namespace ScratchNet.Data.Tests.Augmentation;

public sealed class ElasticFieldTests
{
    // height, width, sigma: MNIST with Simard's σ, odd shapes, rows narrower than a vector, a kernel wider than the image.
    private static readonly object[] Cases =
    [
        new object[] { 28, 28, 4.0 }, new object[] { 5, 7, 1.0 }, new object[] { 13, 9, 2.5 }, new object[] { 3, 3, 0.5 },
        new object[] { 1, 17, 1.5 }, new object[] { 19, 1, 2.0 }, new object[] { 8, 31, 6.0 }, new object[] { 11, 12, 1.0 }, new object[] { 6, 40, 2.0 },
    ];

    private static (float[] Dx, float[] Dy) Fast(ulong key, double sigma, float alpha, int height, int width, int lanes = 0)
    {
        float[] kernel = ElasticField.Kernel(sigma);
        var scratch = new float[ElasticField.ScratchLength(height, width, kernel.Length / 2)];
        var dx = new float[height * width];
        var dy = new float[height * width];
        if (lanes == 0)
        {
            ElasticField.Generate(key, kernel, alpha, scratch, dx, dy, height, width);
        }
        else
        {
            ElasticField.Generate(key, kernel, alpha, scratch, dx, dy, height, width, lanes);
        }

        return (dx, dy);
    }

    [TestCaseSource(nameof(Cases))]
    public void Generate_MatchesNaive(int height, int width, double sigma)
    {
        const float alpha = 34f;
        (float[] dx, float[] dy) = Fast(17, sigma, alpha, height, width);
        var expectedX = new float[height * width];
        var expectedY = new float[height * width];
        ElasticFieldNaive.Generate(17, sigma, alpha, expectedX, expectedY, height, width);

        Assert.That(Images.MaxDifference(dx, expectedX), Is.LessThan(1e-5 * alpha));
        Assert.That(Images.MaxDifference(dy, expectedY), Is.LessThan(1e-5 * alpha));
        Assert.That(dx.Max(Math.Abs), Is.GreaterThan(0.01f), "the field is not all zeros");
    }

    [TestCaseSource(nameof(Cases))]
    public void EveryVectorWidth_AndTheOneAtATimePath_AgreeBitForBit(int height, int width, double sigma)
    {
        (float[] sx, float[] sy) = Fast(5, sigma, 20f, height, width, lanes: 1);
        foreach (int lanes in new[] { 8, 16 }.Where(l => l == 8 ? Vector256.IsHardwareAccelerated : Vector512.IsHardwareAccelerated))
        {
            (float[] dx, float[] dy) = Fast(5, sigma, 20f, height, width, lanes);
            Assert.That(dx, Is.EqualTo(sx), $"{lanes} lanes");
            Assert.That(dy, Is.EqualTo(sy), $"{lanes} lanes");
        }
    }

    [Test]
    public void Generate_DependsOnlyOnTheKey_NotOnWhatTheScratchHeld()
    {
        float[] kernel = ElasticField.Kernel(3);
        var scratch = Enumerable.Repeat(123f, ElasticField.ScratchLength(10, 12, kernel.Length / 2)).ToArray();
        var dx = new float[120];
        var dy = new float[120];
        ElasticField.Generate(9, kernel, 10f, scratch, dx, dy, 10, 12);

        (float[] cleanX, float[] cleanY) = Fast(9, 3, 10f, 10, 12);
        (float[] otherX, _) = Fast(10, 3, 10f, 10, 12);
        Assert.That(dx, Is.EqualTo(cleanX));
        Assert.That(dy, Is.EqualTo(cleanY));
        Assert.That(otherX, Is.Not.EqualTo(cleanX));
        Assert.That(cleanY, Is.Not.EqualTo(cleanX), "the two components are independent");
    }

    [Test]
    public void Kernel_IsASymmetricGaussianSummingToOne()
    {
        float[] kernel = ElasticField.Kernel(4);
        Assert.That(kernel, Has.Length.EqualTo(25));
        Assert.That(kernel.Sum(), Is.EqualTo(1f).Within(1e-6));
        Assert.That(kernel, Is.EqualTo(kernel.Reverse().ToArray()));
        Assert.That(kernel[12] / kernel[16], Is.EqualTo((float)Math.Exp(16.0 / 32)).Within(1e-5), "exp(−i²/2σ²) at i = 4");
    }

    [Test]
    public void Generate_Throws_WhenLengthsMismatch()
    {
        float[] kernel = ElasticField.Kernel(1);
        var scratch = new float[ElasticField.ScratchLength(4, 4, 3)];
        Assert.Throws<ArgumentException>(() => ElasticField.Generate(1, kernel, 1f, scratch, new float[16], new float[15], 4, 4));
        Assert.Throws<ArgumentException>(() => ElasticField.Generate(1, [0.5f, 0.5f], 1f, scratch, new float[16], new float[16], 4, 4));
    }

    [Test]
    public void Generate_Throws_WhenTheScratchIsTooShort()
    {
        float[] kernel = ElasticField.Kernel(1);
        var ex = Assert.Throws<ArgumentException>(() => ElasticField.Generate(1, kernel, 1f, new float[10], new float[16], new float[16], 4, 4));
        Assert.That(ex!.Message, Does.Contain("scratch holds 10 floats"));
    }

    [Test]
    public void TheNoise_IsTheSame8Or16AtATime_AndUniformOnMinusOneToOne()
    {
        const ulong key = 0x1234_5678_9ABC_DEF0UL;
        var values = new List<float>();
        for (uint i = 0; i < 4096; i += 8)
        {
            Vector256<float> lanes = StatelessRandom.Noise(Vector256.Create(i) + Vector256.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u), key);
            for (int lane = 0; lane < 8; lane++)
            {
                float one = StatelessRandom.Noise(i + (uint)lane, key);
                Assert.That(lanes[lane], Is.EqualTo(one));
                values.Add(one);
            }
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> sixteen = StatelessRandom.Noise(Vector512.Create(100u) + Vector512.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 11u, 12u, 13u, 14u, 15u), key);
            for (int lane = 0; lane < 16; lane++)
            {
                Assert.That(sixteen[lane], Is.EqualTo(StatelessRandom.Noise(100u + (uint)lane, key)));
            }
        }

        Assert.That(values.Min(), Is.GreaterThanOrEqualTo(-1f).And.LessThan(-0.99f));
        Assert.That(values.Max(), Is.LessThan(1f).And.GreaterThan(0.99f));
        Assert.That(values.Average(), Is.EqualTo(0).Within(0.05));
    }
}
