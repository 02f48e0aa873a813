using ScratchNet.Core.Random;

namespace ScratchNet.Core.Tests;

/// <summary>Seeded random inputs for the tests.</summary>
internal static class TestData
{
    public static float[] Uniform(int length, ulong seed, float low = -1f, float high = 1f)
    {
        var rng = new Xoshiro256(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = low + ((high - low) * (float)rng.NextDouble());
        }

        return values;
    }

    /// <summary>Values whose magnitude is at least <paramref name="margin"/>, so finite differences never straddle a ReLU kink.</summary>
    public static float[] AwayFromZero(int length, ulong seed, float margin = 0.1f)
    {
        float[] values = Uniform(length, seed);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = values[i] >= 0 ? values[i] + margin : values[i] - margin;
        }

        return values;
    }

    public static float[] OneHot(int n, int classes, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var targets = new float[n * classes];
        for (int i = 0; i < n; i++)
        {
            targets[(i * classes) + rng.NextInt(classes)] = 1f;
        }

        return targets;
    }

    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double relative, double absolute, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: lengths differ");
        for (int i = 0; i < actual.Length; i++)
        {
            double tolerance = absolute + (relative * Math.Abs(expected[i]));
            if (Math.Abs(actual[i] - expected[i]) > tolerance)
            {
                Assert.Fail($"{what}[{i}] = {actual[i]}, expected {expected[i]} (tolerance {tolerance:G3})");
            }
        }
    }
}
