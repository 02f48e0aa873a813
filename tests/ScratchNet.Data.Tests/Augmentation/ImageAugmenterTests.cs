using ScratchNet.Core.Layers;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Idx;

namespace ScratchNet.Data.Tests.Augmentation;

public sealed class ImageAugmenterTests
{
    private static readonly Shape Mnist = new(1, 28, 28);

    private static AugmentationOptions On(bool elastic = false) => new() { Enabled = true, MaxShift = 2.5, MaxRotationDegrees = 12, ScaleRange = 0.1, Elastic = elastic };

    private static float[] Apply(ImageAugmenter augmenter, byte[] image, int epoch, int row)
    {
        var y = new float[image.Length];
        augmenter.Apply(image, epoch, row, y);
        return y;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TheSameSeedEpochAndRow_GiveTheSameImage(bool elastic)
    {
        byte[] image = Images.Random(784, 1);
        var a = new ImageAugmenter(On(elastic), Mnist, seed: 5);
        var b = new ImageAugmenter(On(elastic), Mnist, seed: 5);

        float[] first = Apply(a, image, 3, 17);
        Apply(a, Images.Random(784, 2), 4, 99);
        Assert.That(Apply(a, image, 3, 17), Is.EqualTo(first), "after other images in between");
        Assert.That(Apply(b, image, 3, 17), Is.EqualTo(first), "from another augmenter");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AnotherEpoch_AnotherRowOrAnotherSeed_GivesAnotherTransform(bool elastic)
    {
        byte[] image = Images.Random(784, 3);
        var augmenter = new ImageAugmenter(On(elastic), Mnist, seed: 5);
        float[] first = Apply(augmenter, image, 1, 0);

        Assert.That(Apply(augmenter, image, 2, 0), Is.Not.EqualTo(first));
        Assert.That(Apply(augmenter, image, 1, 1), Is.Not.EqualTo(first));
        Assert.That(Apply(new ImageAugmenter(On(elastic), Mnist, seed: 6), image, 1, 0), Is.Not.EqualTo(first));
        Assert.That(augmenter.MapFor(2, 0), Is.Not.EqualTo(augmenter.MapFor(1, 0)));
    }

    [Test]
    public void TheDraws_StayWithinTheConfiguredRanges_AndCoverThem()
    {
        var augmenter = new ImageAugmenter(On(), Mnist, seed: 7);
        AffineMap[] maps = Enumerable.Range(0, 5000).Select(row => augmenter.MapFor(1, row)).ToArray();

        Assert.That(maps.Max(m => Math.Abs(m.RotationDegrees)), Is.LessThanOrEqualTo(12f).And.GreaterThan(11.9f));
        Assert.That(maps.Min(m => m.Scale), Is.GreaterThanOrEqualTo(0.9f).And.LessThan(0.901f));
        Assert.That(maps.Max(m => m.Scale), Is.LessThanOrEqualTo(1.1f).And.GreaterThan(1.099f));
        Assert.That(maps.Max(m => Math.Abs(m.ShiftX)), Is.LessThanOrEqualTo(2.5f).And.GreaterThan(2.49f));
        Assert.That(maps.Max(m => Math.Abs(m.ShiftY)), Is.LessThanOrEqualTo(2.5f).And.GreaterThan(2.49f));
        Assert.That(maps.Average(m => m.ShiftX), Is.EqualTo(0).Within(0.1));
        Assert.That(maps.Select(m => m.ShiftX), Is.Not.EqualTo(maps.Select(m => m.ShiftY)), "the axes are drawn independently");
    }

    [Test]
    public void ZeroStrengths_GiveThePlainConversion_Exactly()
    {
        byte[] image = Images.Random(784, 4);
        var none = new ImageAugmenter(new AugmentationOptions { Enabled = true, MaxShift = 0, MaxRotationDegrees = 0, ScaleRange = 0, Elastic = true, ElasticAlpha = 0 }, Mnist, seed: 1);
        var expected = new float[784];
        PixelScaler.Scale(image, expected);

        Assert.That(Apply(none, image, 1, 5), Is.EqualTo(expected));
    }

    [Test]
    public void ElasticDistortion_ChangesTheImageBeyondTheAffineTransform()
    {
        byte[] image = Images.Random(784, 5);
        float[] affine = Apply(new ImageAugmenter(On(elastic: false), Mnist, seed: 2), image, 1, 3);
        float[] elastic = Apply(new ImageAugmenter(On(elastic: true), Mnist, seed: 2), image, 1, 3);
        Assert.That(Images.MaxDifference(affine, elastic), Is.GreaterThan(0.05f));
    }

    [Test]
    public void EveryChannel_GetsTheSameTransform()
    {
        byte[] plane = Images.Random(15 * 11, 6);
        byte[] image = [.. plane, .. plane.Select(b => (byte)(255 - b))];
        var augmenter = new ImageAugmenter(On(elastic: true), new Shape(2, 15, 11), seed: 3);
        var one = new ImageAugmenter(On(elastic: true), new Shape(1, 15, 11), seed: 3);

        float[] y = Apply(augmenter, image, 2, 8);
        Assert.That(y[..plane.Length], Is.EqualTo(Apply(one, plane, 2, 8)));
        Assert.That(y[plane.Length..], Is.EqualTo(Apply(one, [.. plane.Select(b => (byte)(255 - b))], 2, 8)));
    }

    [Test]
    public void Apply_Throws_WhenTheImageHasAnotherShape()
    {
        var augmenter = new ImageAugmenter(On(), Mnist, seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => augmenter.Apply(new byte[783], 1, 0, new float[784]));
        Assert.That(ex!.Message, Does.Contain("image holds 783 pixels").And.Contain("1 × 28 × 28"));
    }
}
