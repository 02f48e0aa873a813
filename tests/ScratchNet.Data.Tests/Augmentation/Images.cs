using ScratchNet.Core.Random;

namespace ScratchNet.Data.Tests.Augmentation;

/// <summary>Random 8-bit images and fields for the augmentation tests.</summary>
internal static class Images
{
    public static byte[] Random(int pixels, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var image = new byte[pixels];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (byte)rng.NextInt(256);
        }

        return image;
    }

    public static float[] Uniform(int count, double limit, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(((2 * rng.NextDouble()) - 1) * limit);
        }

        return values;
    }

    public static float[] Scaled(byte[] image) => image.Select(b => b / 255f).ToArray();

    public static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.That(a.Length, Is.EqualTo(b.Length));
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}
