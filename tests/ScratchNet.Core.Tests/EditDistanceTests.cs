using ScratchNet.Core;

namespace ScratchNet.Core.Tests;

public sealed class EditDistanceTests
{
    [TestCase("kitten", "sitting", 3)]
    [TestCase("", "relu", 4)]
    [TestCase("MaxPool", "maxpool", 0)]
    [TestCase("conv", "cnov", 2)]
    public void Between_CountsSingleCharacterEdits_IgnoringCase(string a, string b, int expected) =>
        Assert.That(EditDistance.Between(a, b), Is.EqualTo(expected));

    [Test]
    public void Closest_FindsATypoOrAKeyCutShort_AndNothingForAStranger()
    {
        string[] keys = ["Training:Epochs", "Training:BatchSize", "Data:Augment:MaxRotationDegrees"];

        Assert.That(EditDistance.Closest("Trainng:Epochs", keys), Is.EqualTo("Training:Epochs"));
        Assert.That(EditDistance.Closest("Data:Augment:MaxRotation", keys), Is.EqualTo("Data:Augment:MaxRotationDegrees"));
        Assert.That(EditDistance.Closest("Foo:Bar", keys), Is.Null);
    }
}
