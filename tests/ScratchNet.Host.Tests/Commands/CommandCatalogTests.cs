using ScratchNet.Host.Commands;

namespace ScratchNet.Host.Tests.Commands;

public sealed class CommandCatalogTests
{
    [Test]
    public void A_known_command_with_known_options_passes()
    {
        CommandInfo info = CommandCatalog.Check(CommandLine.Parse(["TRAIN", "--config", "c.json", "--Training:Epochs=1"]));

        Assert.That(info.Name, Is.EqualTo("train"));
    }

    [Test]
    public void An_unknown_command_is_rejected_listing_the_valid_ones()
    {
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["frobnicate"])));

        Assert.That(ex!.Message, Does.Contain("unknown command 'frobnicate'"));
        foreach (CommandInfo command in CommandCatalog.Commands)
        {
            Assert.That(ex.Message, Does.Contain(command.Name));
        }
    }

    [Test]
    public void An_unknown_option_is_rejected_listing_the_valid_ones_and_how_to_write_a_key()
    {
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["train", "--epochs", "5"])));

        Assert.That(ex!.Message, Does.Contain("unknown option --epochs for 'train'"));
        Assert.That(ex.Message, Does.Contain("--config").And.Contain("--help"));
        Assert.That(ex.Message, Does.Contain("--Training:Epochs=5"));
    }

    [Test]
    public void An_option_that_needs_a_value_without_one_is_rejected()
    {
        var ex = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["train", "--config"])));

        Assert.That(ex!.Message, Does.Contain("--config needs a value: --config FILE"));
    }

    [Test]
    public void Every_command_is_in_the_help_and_every_global_option_too()
    {
        string help = CommandCatalog.HelpText();

        Assert.That(CommandCatalog.Commands.Select(c => c.Usage), Has.All.Matches<string>(help.Contains));
        Assert.That(CommandCatalog.GlobalOptions.Select(o => "--" + o.Name), Has.All.Matches<string>(help.Contains));
    }

    [Test]
    public void Find_ignores_case_and_returns_null_for_unknown_names()
    {
        Assert.That(CommandCatalog.Find("Train")?.Name, Is.EqualTo("train"));
        Assert.That(CommandCatalog.Find("nope"), Is.Null);
    }
}
