using System.Text.Json;

namespace ScratchNet.Files.Tests;

// A name reaches a terminal as one line that does nothing to it, and reads back with any JSON parser.
public sealed class ShownNameTests
{
    [TestCase("digit.png")]
    [TestCase("dir with space/ünïcødé 数字 3.png")]
    [TestCase("é.png")]
    [TestCase("\uFFFD.png")]
    public void AnOrdinaryName_IsShownAsItIs(string name) => Assert.That(ShownName.Of(name), Is.EqualTo(name));

    [TestCase("a\nb.png")]
    [TestCase("tab\there.png")]
    [TestCase("\u001B[31mred.png")]
    [TestCase("cr\r.png")]
    [TestCase("c1\u009B31m.png")]
    [TestCase("gnp\u202Eexe.png")]
    [TestCase("line\u2028separator.png")]
    public void ANameATerminalWouldActOn_IsQuoted_WithNoSuchCharacterLeft_AndReadsBack(string name)
    {
        string shown = ShownName.Of(name);

        Assert.That(shown, Does.StartWith("\"").And.EndWith("\""));
        Assert.That(shown.Where(c => char.IsControl(c) || c is '\u202E' or '\u2028'), Is.Empty, shown);
        Assert.That(JsonSerializer.Deserialize<string>(shown), Is.EqualTo(name));
        Assert.That(ShownName.Safe(name), Is.EqualTo(shown), "a log line's value is quoted the same way");
    }

    [TestCase("x: 7.png")]
    [TestCase("\"quoted\".png")]
    [TestCase("ends with:")]
    public void ANameThatWouldSplitAReadingsLine_IsQuoted_ButIsSafeInALogLine(string name)
    {
        Assert.That(JsonSerializer.Deserialize<string>(ShownName.Of(name)), Is.EqualTo(name));
        Assert.That(ShownName.Safe(name), Is.EqualTo(name), "only characters a terminal acts on quote a log line's value");
    }

    [Test]
    public void AMessage_HasItsControlCharactersButLineBreaksEscapedInPlace_AndIsOtherwiseAsItWas()
    {
        Assert.That(ShownName.Escaped("Could not read a\tb.png: \u001B[31mno\r\nTried:\n  - x"), Is.EqualTo("Could not read a\\tb.png: \\u001B[31mno\\r\nTried:\n  - x"));
        Assert.That(ShownName.Escaped("plain é 数字: line"), Is.EqualTo("plain é 数字: line"));
    }
}
