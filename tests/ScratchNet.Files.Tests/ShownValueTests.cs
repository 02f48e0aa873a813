namespace ScratchNet.Files.Tests;

/// <summary>A 5,000-character bad value was echoed whole in its one-line error: long values are shown by their start and length.</summary>
public sealed class ShownValueTests
{
    [Test]
    public void AValueUpToTheLimit_IsShownWhole_ALongerOne_ByItsStartAndLength()
    {
        string limit = new('a', ShownValue.Limit);
        Assert.That(ShownValue.Of(limit), Is.EqualTo(limit));
        Assert.That(ShownValue.Of(new string('b', 5000)), Is.EqualTo(new string('b', ShownValue.Kept) + "… (5,000 characters)"));
    }

    [Test]
    public void ALongValueIsNeverCutInsideASurrogatePair()
    {
        string value = new string('a', ShownValue.Kept - 1) + "😀" + new string('a', 100);
        Assert.That(ShownValue.Of(value), Does.StartWith(new string('a', ShownValue.Kept - 1) + "…"));
    }

    [Test]
    public void InAMessage_QuotedValuesAndLongWordsAreShortened_PathsAndApostrophesAreNot()
    {
        string value = new('x', 5000), path = "/data/" + new string('d', 200) + "/model.snm";
        string message = $"ScratchNet's Data:Split must be one of random, official, got '{value}' (from command line (--Data:Split)); "
            + $"unknown key {value} (from --config \"{value} {value}\"); the model's file {path} is not one, nor '{path}'; 'http://{value}'";

        string shown = ShownValue.InMessage(message);

        string cut = new string('x', ShownValue.Kept) + "… (5,000 characters)";
        Assert.That(shown, Is.EqualTo($"ScratchNet's Data:Split must be one of random, official, got '{cut}' (from command line (--Data:Split)); "
            + $"unknown key {cut} (from --config \"{new string('x', ShownValue.Kept)}… (10,001 characters)\"); the model's file {path} is not one, nor '{path}'; 'http://{new string('x', ShownValue.Kept - 7)}… (5,007 characters)'"));
    }
}
