using ScratchNet.Host.Commands;

namespace ScratchNet.Host.Tests.Commands;

public sealed class CommandCatalogTests
{
    [Test]
    public void AKnownCommandWithKnownOptionsPasses()
    {
        CommandInfo info = CommandCatalog.Check(CommandLine.Parse(["TRAIN", "--config", "c.json", "--Training:Epochs=1"]));

        Assert.That(info.Name, Is.EqualTo("train"));
    }

    [TestCase("diagnose")]
    [TestCase("evaluate")]
    [TestCase("serve")]
    public void EveryCommandTakesARecipeAsItTakesAConfigFile(string command)
    {
        // diagnose --recipe cnn checks the recipe's network; evaluate --recipe cnn scores on the recipe's split.
        CommandInfo info = CommandCatalog.Check(CommandLine.Parse([command, "--recipe", "cnn"]));

        Assert.That(info.Name, Is.EqualTo(command));
    }

    [Test]
    public void AnUnknownCommandIsRejectedListingTheValidOnes()
    {
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["frobnicate"])));

        Assert.That(ex!.Message, Does.Contain("unknown command 'frobnicate'"));
        foreach (CommandInfo command in CommandCatalog.Commands)
        {
            Assert.That(ex.Message, Does.Contain(command.Name));
        }
    }

    [Test]
    public void AnUnknownOptionIsRejectedListingTheValidOnesAndHowToWriteAKey()
    {
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["train", "--epochs", "5"])));

        Assert.That(ex!.Message, Does.Contain("unknown option --epochs for 'train'"));
        Assert.That(ex.Message, Does.Contain("--config").And.Contain("--help"));
        Assert.That(ex.Message, Does.Contain("--Training:Epochs=5"));
    }

    [Test]
    public void AnOptionThatNeedsAValueWithoutOneIsRejected()
    {
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["train", "--config"])));

        Assert.That(ex!.Message, Does.Contain("--config needs a value: --config FILE"));
    }

    [TestCase("--resume=", "--resume was given an empty value; it needs FILE or runs/ID, or nothing at all (--resume alone)")]
    [TestCase("--resume", "", "--resume was given an empty value")]
    [TestCase("--config= ", "--config was given an empty value; it needs FILE")]
    public void AnOptionGivenAnEmptyValueIsRejectedNotReadAsTheOptionAlone(params string[] args)
    {
        string expected = args[^1];
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["train", .. args[..^1]])));

        Assert.That(ex!.Message, Does.Contain(expected));
    }

    [Test]
    public void EveryCommandIsInTheHelpAndEveryGlobalOptionToo()
    {
        string help = CommandCatalog.HelpText();

        Assert.That(CommandCatalog.Commands.Select(c => c.Usage), Has.All.Matches<string>(help.Contains));
        Assert.That(CommandCatalog.GlobalOptions.Select(o => "--" + o.Name), Has.All.Matches<string>(help.Contains));
    }

    [Test]
    public void TheHelpNamesEveryFormOfResumeAndTheShortHelp()
    {
        string help = CommandCatalog.HelpText("train");

        Assert.That(help, Does.Contain("--resume [FILE|runs/ID]"));
        Assert.That(help, Does.Contain("-h"));
    }

    [Test]
    public void FindIgnoresCaseAndReturnsNullForUnknownNames()
    {
        Assert.That(CommandCatalog.Find("Train")?.Name, Is.EqualTo("train"));
        Assert.That(CommandCatalog.Find("nope"), Is.Null);
    }

    // Two dashes would make --h=1 and --V, which are unknown options too.
    [TestCase("-h=1", "'-h=1': --help takes no value; write --help alone")]
    [TestCase("-V", "'-V' is no option; write --version")]
    [TestCase("-v", "'-v' is no option; write --version")]
    [TestCase("-version=1", "'-version=1': --version takes no value; write --version alone")]
    public void OneDashHelpOrVersionSpellingsAreToldTheRealFlag(string word, string message)
    {
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse([word])));

        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    // "-hx" was told to write --hx, itself unknown: two dashes are advised only where they make an option.
    [TestCase("-hx")]
    [TestCase("-Vx")]
    [TestCase("-modle=m.snm")]
    [TestCase("-dashboardx")]
    public void AOneDashWordIsToldTwoDashesOnlyWhereThatMakesAnOption(string word)
    {
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["train", word])));

        string twoDashes = "-" + word.Split('=')[0];
        Assert.That(ex!.Message, Does.StartWith($"'{word}' is no option, and {twoDashes} is none either; valid options for 'train': --resume, --dashboard, --config, --recipe, --help, --version"));
        Assert.That(Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["train", twoDashes])))!.Message, Does.StartWith($"unknown option {twoDashes}"), "the advice names no option that is refused in turn");
    }

    [TestCase("train", "-resume", "--resume")]
    [TestCase("predict", "-model=m.snm", "--model=m.snm")]
    [TestCase("train", "-Training:Epochs=1", "--Training:Epochs=1")]
    [TestCase("train", "-Config", "--Config")]
    public void AOneDashOptionOrKeyIsToldItsTwoDashForm(string command, string word, string fixedWord)
    {
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse([command, word])));

        Assert.That(ex!.Message, Does.StartWith($"'{word}' has one dash; options and configuration keys take two: {fixedWord} "));
    }
}
