using ScratchNet.Host.Commands;

namespace ScratchNet.Host.Tests.Commands;

public sealed class CommandLineTests
{
    [Test]
    public void No_arguments_mean_the_default_command_with_nothing_else()
    {
        CommandLine line = CommandLine.Parse([]);

        Assert.That(line.Command, Is.EqualTo("train"));
        Assert.That(line.ConfigurationArguments, Is.Empty);
        Assert.That(line.Options, Is.Empty);
        Assert.That(line.Positionals, Is.Empty);
        Assert.That(line.Help, Is.False);
    }

    [Test]
    public void The_first_bare_word_is_the_command_in_lower_case()
    {
        Assert.That(CommandLine.Parse(["Evaluate", "--Training:Epochs=2"]).Command, Is.EqualTo("evaluate"));
    }

    [Test]
    public void An_option_first_leaves_the_default_command()
    {
        CommandLine line = CommandLine.Parse(["--Training:Epochs=2", "predict"]);

        Assert.That(line.Command, Is.EqualTo("train"));
        Assert.That(line.Positionals, Is.EqualTo(new[] { "predict" }));
    }

    [Test]
    public void Keys_with_a_section_are_configuration_overrides_whether_joined_by_equals_or_a_space()
    {
        CommandLine line = CommandLine.Parse(["train", "--Training:Epochs=5", "--Optimizer:LearningRate", "0.01"]);

        Assert.That(line.ConfigurationArguments, Is.EqualTo(new[] { "--Training:Epochs=5", "--Optimizer:LearningRate=0.01" }));
        Assert.That(line.Options, Is.Empty);
    }

    [Test]
    public void An_override_keeps_an_equals_sign_inside_its_value()
    {
        CommandLine line = CommandLine.Parse(["--Data:Mirrors:0=http://h/?a=b"]);

        Assert.That(line.ConfigurationArguments, Is.EqualTo(new[] { "--Data:Mirrors:0=http://h/?a=b" }));
    }

    [Test]
    public void Keys_without_a_section_are_command_options_with_or_without_a_value()
    {
        CommandLine line = CommandLine.Parse(["predict", "--model", "m.bin", "--resume", "--Training:Epochs=1", "--top=3"]);

        Assert.That(line.Option("model"), Is.EqualTo("m.bin"));
        Assert.That(line.HasOption("resume"), Is.True);
        Assert.That(line.Option("resume"), Is.Null);
        Assert.That(line.Option("top"), Is.EqualTo("3"));
        Assert.That(line.Option("MODEL"), Is.EqualTo("m.bin"), "option names are case-insensitive");
        Assert.That(line.HasOption("missing"), Is.False);
        Assert.That(line.ConfigurationArguments, Is.EqualTo(new[] { "--Training:Epochs=1" }));
    }

    [Test]
    public void Bare_words_after_the_command_are_positionals_and_never_reach_the_configuration()
    {
        CommandLine line = CommandLine.Parse(["predict", "/tmp/a.png", "b.png", "--Training:Epochs=1"]);

        Assert.That(line.Positionals, Is.EqualTo(new[] { "/tmp/a.png", "b.png" }));
        Assert.That(line.ConfigurationArguments, Is.EqualTo(new[] { "--Training:Epochs=1" }));
    }

    [Test]
    public void A_path_after_a_valueless_option_is_taken_as_its_value()
    {
        // Documents the rule: "--name value" binds the next word unless it starts with "--".
        CommandLine line = CommandLine.Parse(["predict", "--model", "/tmp/a.png"]);

        Assert.That(line.Option("model"), Is.EqualTo("/tmp/a.png"));
        Assert.That(line.Positionals, Is.Empty);
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("-?")]
    [TestCase("/?")]
    public void Help_is_recognised_in_every_spelling(string flag)
    {
        CommandLine line = CommandLine.Parse(["train", flag]);

        Assert.That(line.Help, Is.True);
        Assert.That(line.Positionals, Is.Empty);
        Assert.That(line.Options, Is.Empty);
    }

    [Test]
    public void A_configuration_key_without_a_value_is_a_usage_error_naming_the_key()
    {
        var ex = Assert.Throws<UsageException>(() => CommandLine.Parse(["--Training:Epochs"]));
        Assert.That(ex!.Message, Does.Contain("--Training:Epochs needs a value"));
    }

    [Test]
    public void A_configuration_key_followed_by_another_key_has_no_value()
    {
        Assert.Throws<UsageException>(() => CommandLine.Parse(["--Training:Epochs", "--Training:BatchSize=4"]));
    }
}
