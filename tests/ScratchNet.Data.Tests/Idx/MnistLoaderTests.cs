using ScratchNet.Data.Idx;

namespace ScratchNet.Data.Tests.Idx;

public sealed class MnistLoaderTests
{
    [Test]
    public void PixelsScaleToTheirValueOver255InBothTheVectorAndTheScalarPath()
    {
        byte[] pixels = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var scaled = new float[pixels.Length];

        PixelScaler.Scale(pixels, scaled);

        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.That(scaled[i], Is.EqualTo(pixels[i] / 255f), $"pixel {i}");
        }

        Assert.That(scaled.Min(), Is.EqualTo(0f));
        Assert.That(scaled.Max(), Is.EqualTo(1f));
    }

    [Test]
    public void ImagesBecomeOneRowOfFeaturesPerImage()
    {
        IdxArray images = IdxReader.Read(new MemoryStream(IdxFiles.Images(count: 3, rows: 28, cols: 28, seed: 5)), "images");

        float[] features = MnistLoader.ToFeatures(images, "images");

        Assert.That(MnistLoader.FeatureCount(images, "images"), Is.EqualTo(784));
        Assert.That(features, Has.Length.EqualTo(3 * 784));
        Assert.That(features, Has.All.InRange(0f, 1f));
    }

    [Test]
    public void ImageAndLabelCountsThatDisagreeAreRejectedNamingBothFiles()
    {
        IdxArray images = IdxReader.Read(new MemoryStream(IdxFiles.Images(count: 3, rows: 2, cols: 2, seed: 5)), "imgs");
        IdxArray labels = IdxReader.Read(new MemoryStream(IdxFiles.Labels(count: 4, seed: 5)), "lbls");

        var ex = Assert.Throws<InvalidDataFormatException>(() => MnistLoader.CheckCountsAgree(images, "imgs", labels, "lbls"));
        Assert.That(ex!.Message, Does.Contain("imgs holds 3").And.Contain("lbls holds 4"));
    }

    [Test]
    public void ALabelOfTenOrMoreIsRejectedWithItsRow()
    {
        IdxArray labels = new([3], [1, 10, 2]);

        var ex = Assert.Throws<InvalidDataFormatException>(() => MnistLoader.ToLabels(labels, "lbls"));
        Assert.That(ex!.Message, Does.Contain("label 10 at row 1"));
    }

    [Test]
    public void AnImageFileMustHaveThreeDimensions()
    {
        IdxArray flat = new([2, 4], new byte[8]);

        Assert.Throws<InvalidDataFormatException>(() => MnistLoader.FeatureCount(flat, "flat"));
    }

    [Test]
    public void AColourImageFile_IsRefusedSayingToConvertItToGrey()
    {
        IdxArray colour = new([2, 3, 4, 4], new byte[96]);

        var ex = Assert.Throws<InvalidDataFormatException>(() => MnistLoader.FeatureCount(colour, "colour"));
        Assert.That(ex!.Message, Does.Contain("(2 x 3 x 4 x 4)").And.Contain("ScratchNet reads grey images, so convert colour images to one grey channel first"));
        ex = Assert.Throws<InvalidDataFormatException>(() => MnistLoader.FeatureCount(new IdxArray([2, 1, 4, 4], new byte[32]), "grey"));
        Assert.That(ex!.Message, Does.Contain("its images have one channel already, so write the file without that dimension"));
    }
}
