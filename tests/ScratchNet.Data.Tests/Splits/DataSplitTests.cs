using ScratchNet.Core.Random;
using ScratchNet.Data.Idx;
using ScratchNet.Data.Splits;

namespace ScratchNet.Data.Tests;

public sealed class DataSplitTests
{
    // 37 features: an odd row length, so every row ends in the scalar tail of the pixel scaler, and rows start unaligned.
    private const int Features = 37;
    private const int Classes = 10;

    /// <summary>The same random images as a pixel-backed split and as a float-backed one built the old way.</summary>
    private static (DataSplit Pixels, DataSplit Floats) Pair(int rows, ulong seed = 5)
    {
        var rng = new Xoshiro256(seed);
        var pixels = new byte[rows * Features];
        var labels = new byte[rows];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)rng.NextInt(256);
        }

        pixels[0] = 0;
        pixels[1] = 255;
        for (int i = 0; i < rows; i++)
        {
            labels[i] = (byte)rng.NextInt(Classes);
        }

        var floats = new float[pixels.Length];
        PixelScaler.Scale(pixels, floats);
        return (DataSplit.FromPixels(pixels, labels, Features, Classes), DataSplit.FromLabels(floats, (byte[])labels.Clone(), Features, Classes));
    }

    [Test]
    public void CopyFeatures_GivesTheSameFloatsBitForBit_WhetherPixelOrFloatBacked()
    {
        (DataSplit pixels, DataSplit floats) = Pair(50);
        var a = new float[13 * Features];
        var b = new float[13 * Features];

        pixels.CopyFeatures(29, 13, a);
        floats.CopyFeatures(29, 13, b);

        Assert.That(a.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(b.Select(BitConverter.SingleToInt32Bits)));
        Assert.That(a, Has.Some.Not.EqualTo(0f));
    }

    [Test]
    public void Features_OfAPixelBackedSplit_MaterialiseOnceToTheFloatBackedValues()
    {
        (DataSplit pixels, DataSplit floats) = Pair(20);

        float[] first = pixels.Features;

        Assert.That(first.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(floats.Features.Select(BitConverter.SingleToInt32Bits)));
        Assert.That(first[1], Is.EqualTo(1f));
        Assert.That(pixels.Features, Is.SameAs(first));
        Assert.That(pixels.Targets, Is.EqualTo(floats.Targets));
    }

    [Test]
    public void Features_MaterialiseToOneArray_WhenManyThreadsAskAtOnce()
    {
        (DataSplit pixels, _) = Pair(200);
        var seen = new float[16][];

        Parallel.For(0, seen.Length, i => seen[i] = pixels.Features);

        Assert.That(seen, Has.All.SameAs(seen[0]));
    }

    [Test]
    public void Prefetch_IgnoresRowsOutOfRange_AndChangesNoData()
    {
        (DataSplit pixels, DataSplit floats) = Pair(40);
        float[] before = (float[])floats.Features.Clone();
        int[] rows = [0, 39, -1, 40, int.MaxValue, 17];

        Assert.DoesNotThrow(() => pixels.Prefetch(rows));
        Assert.DoesNotThrow(() => floats.Prefetch(rows));
        Assert.DoesNotThrow(() => floats.Prefetch([]));

        Assert.That(floats.Features, Is.EqualTo(before));
        Assert.That(pixels.Features, Is.EqualTo(before));
    }

    [Test]
    public void GatherFeatures_WritesTheRowsInTheGivenOrder()
    {
        (DataSplit pixels, DataSplit floats) = Pair(40);
        int[] rows = [39, 0, 17, 17, 3];
        var a = new float[rows.Length * Features];
        var b = new float[rows.Length * Features];
        var expected = new float[Features];

        pixels.GatherFeatures(rows, a);
        floats.GatherFeatures(rows, b);

        Assert.That(a, Is.EqualTo(b));
        floats.CopyFeatures(17, 1, expected);
        Assert.That(a.AsSpan(3 * Features, Features).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void ReadFeatures_PointsIntoTheFloatsWithoutACopy_AndConvertsPixelsIntoTheBuffer()
    {
        (DataSplit pixels, DataSplit floats) = Pair(30);
        var buffer = new float[4 * Features];

        ReadOnlyMemory<float> fromFloats = floats.ReadFeatures(10, 4, buffer);
        ReadOnlyMemory<float> fromPixels = pixels.ReadFeatures(10, 4, buffer);

        Assert.That(fromFloats.Span.Overlaps(floats.Features), Is.True);
        Assert.That(fromPixels.Span.Overlaps(buffer), Is.True);
        Assert.That(fromPixels.ToArray(), Is.EqualTo(fromFloats.ToArray()));
    }

    [Test]
    public void CopyFeatures_Throws_WhenRowsRunPastTheEnd()
    {
        (DataSplit pixels, _) = Pair(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => pixels.CopyFeatures(8, 3, new float[3 * Features]));
        Assert.Throws<ArgumentOutOfRangeException>(() => pixels.GatherFeatures([10], new float[Features]));
    }

    [Test]
    public void CopyFeatures_Throws_WhenDestinationTooShort()
    {
        (DataSplit pixels, _) = Pair(10);
        Assert.Throws<ArgumentException>(() => pixels.CopyFeatures(0, 2, new float[(2 * Features) - 1]));
    }

    [Test]
    public void FromPixels_Throws_WhenPixelsAndLabelsDisagree()
    {
        Assert.Throws<ArgumentException>(() => DataSplit.FromPixels(new byte[(3 * Features) + 1], new byte[3], Features, Classes));
        Assert.Throws<ArgumentException>(() => DataSplit.FromPixels(new byte[Features], [Classes], Features, Classes));
    }
}
