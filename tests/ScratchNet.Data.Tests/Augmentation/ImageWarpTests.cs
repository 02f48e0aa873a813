using ScratchNet.Core.Random;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Idx;

namespace ScratchNet.Data.Tests.Augmentation;

public sealed class ImageWarpTests
{
    // MNIST's shape, shapes that miss the 8-pixel vector boundary, narrower than a vector, and single pixels and lines.
    private static readonly object[] Shapes =
    [
        new[] { 28, 28 }, new[] { 1, 1 }, new[] { 3, 5 }, new[] { 7, 7 }, new[] { 9, 13 }, new[] { 5, 31 },
        new[] { 17, 8 }, new[] { 1, 19 }, new[] { 23, 2 }, new[] { 32, 29 },
    ];

    private static float[] Fast(byte[] image, float[] dx, float[] dy, int height, int width, AffineMap map, bool gather = true)
    {
        var padded = new byte[ImageWarp.PaddedLength(height, width)];
        ImageWarp.Pad(image, padded, height, width);
        var y = new float[height * width];
        ImageWarp.Forward(padded, dx, dy, y, height, width, map.Inverse(height, width), gather);
        return y;
    }

    private static float[] Naive(byte[] image, float[] dx, float[] dy, int height, int width, AffineMap map)
    {
        var y = new float[height * width];
        ImageWarpNaive.Forward(Images.Scaled(image), dx, dy, y, height, width, map);
        return y;
    }

    private static IEnumerable<AffineMap> Maps(ulong seed)
    {
        var rng = new Xoshiro256(seed);
        float Draw(double low, double high) => (float)(low + ((high - low) * rng.NextDouble()));
        for (int i = 0; i < 12; i++)
        {
            yield return new AffineMap(Draw(-40, 40), Draw(0.6, 1.4), Draw(-5, 5), Draw(-5, 5));
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void Forward_MatchesNaive_OnRandomAffineMaps(int[] shape)
    {
        (int height, int width) = (shape[0], shape[1]);
        byte[] image = Images.Random(height * width, 1);
        foreach (AffineMap map in Maps(2))
        {
            Assert.That(Images.MaxDifference(Fast(image, [], [], height, width, map), Naive(image, [], [], height, width, map)), Is.LessThan(1e-4), map.ToString());
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void Forward_MatchesNaive_WithADisplacementField(int[] shape)
    {
        (int height, int width) = (shape[0], shape[1]);
        byte[] image = Images.Random(height * width, 3);
        float[] dx = Images.Uniform(height * width, 4, 4);
        float[] dy = Images.Uniform(height * width, 4, 5);
        foreach (AffineMap map in Maps(6).Append(AffineMap.Identity))
        {
            Assert.That(Images.MaxDifference(Fast(image, dx, dy, height, width, map), Naive(image, dx, dy, height, width, map)), Is.LessThan(1e-4), map.ToString());
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void TheGatherPath_AndTheOneAtATimePath_AgreeBitForBit(int[] shape)
    {
        (int height, int width) = (shape[0], shape[1]);
        byte[] image = Images.Random(height * width, 7);
        float[] dx = Images.Uniform(height * width, 3, 8);
        float[] dy = Images.Uniform(height * width, 3, 9);
        foreach (AffineMap map in Maps(10))
        {
            Assert.That(Fast(image, [], [], height, width, map, gather: true), Is.EqualTo(Fast(image, [], [], height, width, map, gather: false)));
            Assert.That(Fast(image, dx, dy, height, width, map, gather: true), Is.EqualTo(Fast(image, dx, dy, height, width, map, gather: false)));
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void TheIdentityMap_ReproducesThePlainConversion_Exactly(int[] shape)
    {
        (int height, int width) = (shape[0], shape[1]);
        byte[] image = Images.Random(height * width, 11);
        image[0] = 255;
        var expected = new float[image.Length];
        PixelScaler.Scale(image, expected);

        Assert.That(Fast(image, [], [], height, width, AffineMap.Identity), Is.EqualTo(expected));
        Assert.That(Fast(image, new float[image.Length], new float[image.Length], height, width, AffineMap.Identity), Is.EqualTo(expected), "a zero displacement field");
    }

    [Test]
    public void AWholePixelShift_MovesEveryPixelByThatMuch_AndFillsTheUncoveredEdgeWithZeros()
    {
        const int height = 11, width = 13;
        byte[] image = Images.Random(height * width, 12);
        float[] y = Fast(image, [], [], height, width, new AffineMap(0f, 1f, ShiftX: 2f, ShiftY: -1f));

        for (int v = 0; v < height; v++)
        {
            for (int u = 0; u < width; u++)
            {
                // Content moves 2 right and 1 up: output (u, v) shows input (u − 2, v + 1).
                (int su, int sv) = (u - 2, v + 1);
                float expected = su >= 0 && sv < height ? image[(sv * width) + su] / 255f : 0f;
                Assert.That(y[(v * width) + u], Is.EqualTo(expected), $"pixel ({u}, {v})");
            }
        }
    }

    [Test]
    public void AHalfPixelShift_AveragesNeighbours()
    {
        byte[] image = [0, 100, 200, 50];
        float[] y = Fast(image, [], [], 1, 4, new AffineMap(0f, 1f, 0.5f, 0f));
        Assert.That(y, Is.EqualTo(new[] { 0f, 50f / 255, 150f / 255, 125f / 255 }).Within(1e-6));
    }

    [Test]
    public void ARotationBy90Degrees_TurnsTheImageClockwise()
    {
        const int side = 9;
        byte[] image = Images.Random(side * side, 13);
        float[] y = Fast(image, [], [], side, side, new AffineMap(90f, 1f, 0f, 0f));

        for (int v = 0; v < side; v++)
        {
            for (int u = 0; u < side; u++)
            {
                // Clockwise on screen (rows grow downwards): output (u, v) shows input column v, row side − 1 − u.
                Assert.That(y[(v * side) + u], Is.EqualTo(image[((side - 1 - u) * side) + v] / 255f).Within(1e-5), $"pixel ({u}, {v})");
            }
        }
    }

    [Test]
    public void Pad_FramesTheImageWithZeros_WhateverTheBufferHeldBefore()
    {
        const int height = 3, width = 4;
        var padded = Enumerable.Repeat((byte)0xEE, ImageWarp.PaddedLength(height, width)).ToArray();
        byte[] image = Enumerable.Range(1, height * width).Select(i => (byte)i).ToArray();

        ImageWarp.Pad(image, padded, height, width);

        int stride = width + 3;
        for (int i = 0; i < padded.Length; i++)
        {
            (int row, int column) = Math.DivRem(i, stride);
            bool inside = row >= 1 && row <= height && column >= 1 && column <= width;
            Assert.That(padded[i], Is.EqualTo(inside ? image[((row - 1) * width) + column - 1] : 0), $"byte {i}");
        }
    }

    [Test]
    public void Forward_Throws_WhenLengthsMismatch()
    {
        var padded = new byte[ImageWarp.PaddedLength(4, 4)];
        var ex = Assert.Throws<ArgumentException>(() => ImageWarp.Forward(padded, new float[16], new float[15], new float[16], 4, 4, AffineMap.Identity.Inverse(4, 4)));
        Assert.That(ex!.Message, Does.Contain("dx and dy hold 16 and 15 values"));
        Assert.Throws<ArgumentException>(() => ImageWarpNaive.Forward(new float[15], [], [], new float[16], 4, 4, AffineMap.Identity));
        Assert.Throws<ArgumentException>(() => ImageWarp.Pad(new byte[15], padded, 4, 4));
    }

    [Test]
    public void Forward_Throws_WhenDestinationTooShort()
    {
        var padded = new byte[ImageWarp.PaddedLength(4, 4)];
        var ex = Assert.Throws<ArgumentException>(() => ImageWarp.Forward(padded, [], [], new float[15], 4, 4, AffineMap.Identity.Inverse(4, 4)));
        Assert.That(ex!.Message, Does.Contain("y holds 15 values, but 4 × 4 needs 16"));
        Assert.Throws<ArgumentException>(() => ImageWarp.Forward(new byte[20], [], [], new float[16], 4, 4, AffineMap.Identity.Inverse(4, 4)));
        Assert.Throws<ArgumentException>(() => ImageWarp.Pad(new byte[16], new byte[20], 4, 4));
    }
}
