using ScratchNet.Host.Commands;

namespace ScratchNet.Host.Tests.Commands;

public sealed class CommandLineTests
{
    [Test]
    public void AFlagNeverTakesTheNextWord_SoTheImageAfterAsIsIsAnImage()
    {
        CommandLine line = CommandLine.Parse(["predict", "--model", "m.snm", "--as-is", "a.png", "b.png"]);
        Assert.That(line.HasOption("as-is"), Is.True);
        Assert.That(line.Option("as-is"), Is.Null);
        Assert.That(line.Positionals, Is.EqualTo(new[] { "a.png", "b.png" }));
        Assert.That(CommandLine.Parse(["train", "--dashboard", "junk"]).Positionals, Is.EqualTo(new[] { "junk" }), "a stray word stays a positional, which train refuses");
        Assert.That(() => CommandLine.Parse(["predict", "--as-is=yes", "a.png"]), Throws.TypeOf<UsageException>().With.Message.EqualTo("--as-is takes no value; write --as-is alone"));
    }

    [Test]
    public void AFileOrFolderOption_TakesALeadingTildeAsTheHomeFolder_WrittenWithEqualsOrQuoted_AsTheShellDoesForABareWord()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.That(CommandLine.Parse(["predict", "--model=~/m.snm", "a.png"]).Option("model"), Is.EqualTo(Path.Join(home, "m.snm")));
        Assert.That(CommandLine.Parse(["serve", "--runs=~/runs"]).Option("runs"), Is.EqualTo(Path.Join(home, "runs")));
        Assert.That(CommandLine.Parse(["train", "--config=~"]).Option("config"), Is.EqualTo(home));
        Assert.That(CommandLine.Parse(["train", "--resume=~/runs/r1"]).Option("resume"), Is.EqualTo(Path.Join(home, "runs/r1")));
        Assert.That(CommandLine.Parse(["predict", "--model", "~/m.snm", "a.png"]).Option("model"), Is.EqualTo(Path.Join(home, "m.snm")), "quoted, as its own word");
        Assert.That(CommandLine.Parse(["predict", "--model=./~/m.snm", "a.png"]).Option("model"), Is.EqualTo("./~/m.snm"), "a folder named ~ written so");
        Assert.That(CommandLine.Parse(["predict", "--format=~json", "--model", "m", "a.png"]).Option("format"), Is.EqualTo("~json"), "not a file or folder option");
    }

    // '$HOME/m.snm' (quoted) or ~bob/ was a relative path that "does not exist", where the same text in a path key is refused with the fix.
    [TestCase("predict", "model", "$HOME/m.snm", "holds the shell variable $HOME")]
    [TestCase("train", "config", "${HOME}/c.json", "holds the shell variable ${HOME}")]
    [TestCase("train", "resume", "$HOME/x", "holds the shell variable $HOME")]
    [TestCase("serve", "runs", "$RUNS", "holds the shell variable $RUNS")]
    [TestCase("export", "out", "~bob/m.onnx", "starts with ~bob, another user's home folder")]
    public void AFileOrFolderOption_WithWhatOnlyAShellResolves_IsRefusedWithTheFix_AsThePathKeysAre(string command, string option, string value, string problem)
    {
        string expected = $"--{option} {ScratchNet.Files.ShownName.Quoted(value)} {ScratchNet.Host.Settings.PathSettings.Problem(value)}";

        Assert.That(() => CommandLine.Parse([command, $"--{option}", value]), Throws.TypeOf<UsageException>().With.Message.EqualTo(expected));
        Assert.That(() => CommandLine.Parse([command, $"--{option}={value}"]), Throws.TypeOf<UsageException>().With.Message.EqualTo(expected));
        Assert.That(expected, Does.Contain(problem));
        Assert.That(CommandLine.Parse(["predict", $"--format={value}", "--model", "m", "a.png"]).Option("format"), Is.EqualTo(value), "not a file or folder option");
    }

    // The shell already expanded an unquoted $NAME; a $ left in a name that is there is part of that name.
    [Test]
    public void AFileOption_NamingAFileThatIsThere_IsTakenAsWritten_EvenWithADollarInIt()
    {
        using var dir = new TempDirectory();
        string model = dir.Combine("cost$HOME.snm");
        File.WriteAllText(model, "x");

        Assert.That(CommandLine.Parse(["predict", "--model", model, "a.png"]).Option("model"), Is.EqualTo(model));
    }

    [Test]
    public void AFileOption_WithADoubledDollar_NamesOneDollar_AsThePathKeysDo()
    {
        Assert.That(CommandLine.Parse(["predict", "--model", "/mnt/$$RECYCLE.BIN/m.snm", "a.png"]).Option("model"), Is.EqualTo("/mnt/$RECYCLE.BIN/m.snm"));
    }

    [Test]
    public void NoArgumentsMeanTheDefaultCommandWithNothingElse()
    {
        CommandLine line = CommandLine.Parse([]);

        Assert.That(line.Command, Is.EqualTo("train"));
        Assert.That(line.ConfigurationArguments, Is.Empty);
        Assert.That(line.Options, Is.Empty);
        Assert.That(line.Positionals, Is.Empty);
        Assert.That(line.Help, Is.False);
    }

    [Test]
    public void TheFirstBareWordIsTheCommandInLowerCase()
    {
        Assert.That(CommandLine.Parse(["Evaluate", "--Training:Epochs=2"]).Command, Is.EqualTo("evaluate"));
    }

    [Test]
    public void AnOptionFirstLeavesTheDefaultCommand()
    {
        CommandLine line = CommandLine.Parse(["--Training:Epochs=2", "predict"]);

        Assert.That(line.Command, Is.EqualTo("train"));
        Assert.That(line.Positionals, Is.EqualTo(new[] { "predict" }));
    }

    [Test]
    public void KeysWithASectionAreConfigurationOverridesWhetherJoinedByEqualsOrASpace()
    {
        CommandLine line = CommandLine.Parse(["train", "--Training:Epochs=5", "--Optimizer:LearningRate", "0.01"]);

        Assert.That(line.ConfigurationArguments, Is.EqualTo(new[] { "--Training:Epochs=5", "--Optimizer:LearningRate=0.01" }));
        Assert.That(line.Options, Is.Empty);
    }

    [Test]
    public void AnOverrideKeepsAnEqualsSignInsideItsValue()
    {
        CommandLine line = CommandLine.Parse(["--Data:Mirrors:0=http://h/?a=b"]);

        Assert.That(line.ConfigurationArguments, Is.EqualTo(new[] { "--Data:Mirrors:0=http://h/?a=b" }));
    }

    [Test]
    public void KeysWithoutASectionAreCommandOptionsWithOrWithoutAValue()
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
    public void BareWordsAfterTheCommandArePositionalsAndNeverReachTheConfiguration()
    {
        CommandLine line = CommandLine.Parse(["predict", "/tmp/a.png", "b.png", "--Training:Epochs=1"]);

        Assert.That(line.Positionals, Is.EqualTo(new[] { "/tmp/a.png", "b.png" }));
        Assert.That(line.ConfigurationArguments, Is.EqualTo(new[] { "--Training:Epochs=1" }));
    }

    [Test]
    public void APathAfterAValuelessOptionIsTakenAsItsValue()
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
    [TestCase("--Help")]
    [TestCase("--HELP")]
    [TestCase("-H")]
    public void HelpIsRecognisedInEverySpelling(string flag)
    {
        CommandLine line = CommandLine.Parse(["train", flag]);

        Assert.That(line.Help, Is.True);
        Assert.That(line.Positionals, Is.Empty);
        Assert.That(line.Options, Is.Empty);
    }

    [Test]
    public void TheWordHelpAloneAsksForTheWholeHelp()
    {
        CommandLine line = CommandLine.Parse(["help"]);

        Assert.That(line.Help, Is.True);
        Assert.That(line.CommandNamed, Is.False);
    }

    [Test]
    public void TheWordHelpBeforeACommandAsksForThatCommandsHelp()
    {
        CommandLine line = CommandLine.Parse(["help", "predict"]);

        Assert.That(line.Help, Is.True);
        Assert.That(line.CommandNamed, Is.True);
        Assert.That(line.Command, Is.EqualTo("predict"));
        Assert.That(line.Positionals, Is.Empty);
    }

    [TestCase("--Version")]
    [TestCase("--VERSION")]
    public void VersionIsRecognisedInAnyCase(string flag)
    {
        CommandLine line = CommandLine.Parse([flag]);

        Assert.That(line.Version, Is.True, "a miscased --version that fell through would start the default run");
        Assert.That(line.Options, Is.Empty);
    }

    // Each of these once started a full default training.
    [TestCase(new[] { "--help=1" }, "--help")]
    [TestCase(new[] { "--version=x" }, "--version")]
    [TestCase(new[] { "train", "--Help=" }, "--Help")]
    [TestCase(new[] { "serve", "--VERSION=1" }, "--VERSION")]
    [TestCase(new[] { "train", "--Dashboard=true" }, "--Dashboard")]
    [TestCase(new[] { "predict", "--AS-IS=1", "a.png" }, "--AS-IS")]
    public void AFlagGivenAValueIsAUsageErrorInAnyCase(string[] args, string named)
    {
        Assert.That(() => CommandLine.Parse(args), Throws.TypeOf<UsageException>().With.Message.EqualTo($"{named} takes no value; write {named} alone"));
    }

    [Test]
    public void AMiscasedHelpNeverTakesTheNextWordAsItsValue()
    {
        // Not read as --HELP=a.png (a flag given a value), but as a stray word beside the help.
        Assert.That(() => CommandLine.Parse(["predict", "--HELP", "a.png"]), Throws.TypeOf<UsageException>().With.Message.EqualTo("--help takes no other word, got 'a.png'; write --help alone"));
    }

    // "help train extra" was refused while these showed the help and dropped the word.
    [TestCase(new[] { "--help", "x" }, "--help takes no other word, got 'x'; write --help alone")]
    [TestCase(new[] { "-h", "x" }, "--help takes no other word, got 'x'; write --help alone")]
    [TestCase(new[] { "--help", "predict" }, "--help takes no other word, got 'predict'; for that command's help write scratchnet help predict")]
    [TestCase(new[] { "--version", "x" }, "--version takes no other word, got 'x'; write --version alone")]
    public void AWordBesideHelpOrVersionIsAUsageError(string[] args, string message)
    {
        Assert.That(() => CommandLine.Parse(args), Throws.TypeOf<UsageException>().With.Message.EqualTo(message));
    }

    [Test]
    public void AWordAfterHelpsCommandNameIsAUsageError()
    {
        Assert.That(() => CommandLine.Parse(["help", "train", "extra"]), Throws.TypeOf<UsageException>().With.Message.Contains("'extra'"));
    }

    [Test]
    public void VersionIsAFlagOfEveryCommand()
    {
        CommandLine line = CommandLine.Parse(["evaluate", "--version"]);

        Assert.That(line.Version, Is.True);
        Assert.That(line.Options, Is.Empty);
    }

    [Test]
    public void AConfigurationKeyWithoutAValueIsAUsageErrorNamingTheKey()
    {
        var ex = Assert.Throws<UsageException>(() => CommandLine.Parse(["--Training:Epochs"]));
        Assert.That(ex!.Message, Does.Contain("--Training:Epochs needs a value"));
    }

    [Test]
    public void AConfigurationKeyFollowedByAnotherKeyHasNoValue()
    {
        Assert.Throws<UsageException>(() => CommandLine.Parse(["--Training:Epochs", "--Training:BatchSize=4"]));
    }

    [TestCase("export --model m.snm --out a.onnx --out b.onnx", "out")]
    [TestCase("evaluate --model a.snm --model=b.snm", "model")]
    [TestCase("train --recipe fast --RECIPE reference", "RECIPE")]
    [TestCase("diagnose --batch 2 --batch 2", "batch")]
    public void ACommandOptionGivenTwiceIsAUsageErrorNamingIt(string arguments, string named)
    {
        var ex = Assert.Throws<UsageException>(() => CommandLine.Parse(arguments.Split(' ')));
        Assert.That(ex!.Message, Is.EqualTo($"--{named} is given more than once; give it once"));
    }

    [Test]
    public void AFlagGivenTwiceIsAUsageErrorToo()
    {
        Assert.Throws<UsageException>(() => CommandLine.Parse(["train", "--resume", "--resume"]));
    }

    [Test]
    public void AConfigurationKeyGivenTwiceStaysLastWinsAsTheConfigurationSystemLayersIt()
    {
        CommandLine line = CommandLine.Parse(["--Training:Epochs=5", "--Training:Epochs", "6"]);

        Assert.That(line.ConfigurationArguments, Is.EqualTo(new[] { "--Training:Epochs=5", "--Training:Epochs=6" }));
    }

    [TestCase("-1")]
    [TestCase("-0.5")]
    [TestCase("-1e3")]
    public void ANegativeNumberAfterAnOptionIsItsValue(string number)
    {
        CommandLine line = CommandLine.Parse(["diagnose", "--batch", number, "--Optimizer:LearningRate", number]);

        Assert.That(line.Option("batch"), Is.EqualTo(number));
        Assert.That(line.ConfigurationArguments, Is.EqualTo(new[] { $"--Optimizer:LearningRate={number}" }));
        Assert.That(line.Positionals, Is.Empty);
    }

    [TestCase("-Training:Epochs=1")]
    [TestCase("-1x")]
    [TestCase("-Infinity")]
    public void AOneDashWordThatIsNotANumberIsNeverAnOptionsValue(string word)
    {
        CommandLine line = CommandLine.Parse(["train", "--resume", word]);

        Assert.That(line.HasOption("resume"), Is.True);
        Assert.That(line.Option("resume"), Is.Null);
        Assert.That(line.Positionals, Is.EqualTo(new[] { word }));
    }
}
