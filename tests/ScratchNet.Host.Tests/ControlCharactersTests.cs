using ScratchNet.Host.Settings;

namespace ScratchNet.Host.Tests;

/// <summary>A refusal echoes the user's value with its control characters written out, so a terminal shows the line as it is.</summary>
public sealed class ControlCharactersTests
{
    [Test]
    public void ARefusalWritesOutTheControlCharactersItEchoes()
    {
        Failure failure = Failure.From(new ConfigurationException(["Optimizer:Name 'adam\r' is unknown\u001b[2J"]));

        Assert.That(failure.Message, Is.EqualTo(@"Configuration is invalid: Optimizer:Name 'adam\r' is unknown\u001B[2J"));
    }

    [Test]
    public void PlainTextStaysAndControlCharactersAreWrittenAsJsonWritesThem()
    {
        Assert.That(ControlCharacters.Escaped("runs/é 中"), Is.EqualTo("runs/é 中"));
        Assert.That(ControlCharacters.Escaped("a\tb\nc\u0007"), Is.EqualTo(@"a\tb\nc\u0007"));
    }
}
