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

    // 1,000 rows labelled 0 to 9 in turn, with row 0's label replaced: what a flipped byte in a label file leaves.
    private static byte[] TenClassesWithRowZero(byte label)
    {
        byte[] data = Enumerable.Range(0, 1000).Select(i => (byte)(i % 10)).ToArray();
        data[0] = label;
        return data;
    }

    [Test]
    public void OneLabelFarAboveAllOthers_IsSaidToPerhapsBeDamage()
    {
        string? hint = MnistLoader.DamageHint(TenClassesWithRowZero(72), "lbls");

        Assert.That(hint, Is.EqualTo("lbls may be damaged: label 72 at row 0 stands far above the others (1 row of 1000 above 9, none with 10 to 71)"));
    }

    [Test]
    public void LabelsUsedFromZeroUp_OrAGapWithAClassOfItsOwnAbove_AreNoDamage()
    {
        Assert.That(MnistLoader.DamageHint(TenClassesWithRowZero(0), "lbls"), Is.Null, "0 to 9");
        byte[] classOfItsOwn = TenClassesWithRowZero(0);
        for (int i = 0; i < 50; i++)
        {
            classOfItsOwn[i * 10] = 20;
        }

        Assert.That(MnistLoader.DamageHint(classOfItsOwn, "lbls"), Is.Null, "50 rows of 1000 labelled 20: a class, oddly numbered");
        Assert.That(MnistLoader.DamageHint([0, 1, 5], "lbls"), Is.Null, "too few rows to call one a stray");
    }

    [Test]
    public void ALabelPastDataClassNames_FarAboveAllOthers_SaysTheFileMayBeDamaged()
    {
        IdxArray labels = new([1000], TenClassesWithRowZero(72));

        var ex = Assert.Throws<DataSettingsException>(() => MnistLoader.ToLabels(labels, "lbls", 10, classesNamed: true));
        Assert.That(ex!.Message, Does.Contain("give one name for each class 0 to 72").And.EndWith("but lbls may be damaged: label 72 at row 0 stands far above the others (1 row of 1000 above 9, none with 10 to 71): if so, replace it"));
    }
}
