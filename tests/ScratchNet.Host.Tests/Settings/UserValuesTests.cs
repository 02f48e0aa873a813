using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Settings;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Settings;

/// <summary>
/// What the user writes is read as meant: <c>~</c> in a path key is the home folder in every source, a shell variable is
/// refused, a Windows line end is no part of a value, the tests' own SCRATCHNET_TEST_ variables are no configuration, and a
/// --config file that is not UTF-8 is refused where it breaks.
/// </summary>
public sealed class UserValuesTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    [TestCaseSource(typeof(PathSettings), nameof(PathSettings.Keys))]
    public void ATildeInAnyPathKeyIsTheHomeFolderOnTheCommandLine(string key)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["evaluate", $"--{key}=~/somewhere/x"]);

        Assert.That(builder.Configuration[key], Is.EqualTo(Path.Join(Home, "somewhere/x")));
    }

    [Test]
    public void ATildeIsTheHomeFolderInAConfigFileAndInTheEnvironmentToo()
    {
        string config = _dir.Combine("c.json");
        File.WriteAllText(config, """{ "Data": { "CacheDirectory": "~/cache" }, "Checkpoints": { "Directory": "~" } }""");
        Environment.SetEnvironmentVariable("SCRATCHNET_Run__Directory", "~/runs");
        try
        {
            HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["evaluate", "--config", config]);

            Assert.That(builder.Configuration["Data:CacheDirectory"], Is.EqualTo(Path.Join(Home, "cache")));
            Assert.That(builder.Configuration["Checkpoints:Directory"], Is.EqualTo(Home));
            Assert.That(builder.Configuration["Run:Directory"], Is.EqualTo(Path.Join(Home, "runs")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCRATCHNET_Run__Directory", null);
        }
    }

    [Test]
    public void ATildeOutsideAPathKeyOrInsideAPathIsLeftAsWritten()
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["evaluate", "--Data:ClassNames=~/a,b", "--Run:Directory=runs/~/x"]);

        Assert.That(builder.Configuration["Data:ClassNames"], Is.EqualTo("~/a,b"));
        Assert.That(builder.Configuration["Run:Directory"], Is.EqualTo("runs/~/x"));
    }

    [TestCase("--Data:CacheDirectory=$HOME/.cache/scratchnet", "Data:CacheDirectory \"$HOME/.cache/scratchnet\" (from command line (--Data:CacheDirectory)) holds the shell variable $HOME")]
    [TestCase("--Run:Directory=${HOME}/runs", "Run:Directory \"${HOME}/runs\" (from command line (--Run:Directory)) holds the shell variable ${HOME}")]
    [TestCase("--Model:InitFrom=~bob/m.snm", "Model:InitFrom \"~bob/m.snm\" (from command line (--Model:InitFrom)) starts with ~bob, another user's home folder")]
    public void WhatOnlyAShellResolvesIsRefusedNamingTheKeyAndItsSource(string argument, string expected)
    {
        Assert.That(() => ScratchNetHost.CreateBuilder(["train", argument]),
            Throws.TypeOf<ConfigurationException>().With.Message.Contains(expected));
    }

    // The value is a user's bytes: a line break in it made one refusal two lines, a quote in it broke single quotes.
    [TestCase("/tmp/a\n$HOMEb")]
    [TestCase("/tmp/it's/$HOMEb")]
    public void ARefusedPathValueIsShownOnOneLine_InDoubleQuotesWithItsEscapes(string value)
    {
        Assert.That(() => ScratchNetHost.CreateBuilder(["train", $"--Run:Directory={value}"]), Throws.TypeOf<ConfigurationException>()
            .With.Message.Contains($"Run:Directory {ScratchNet.Files.ShownName.Quoted(value)} (from command line (--Run:Directory)) holds the shell variable $HOMEb")
            .And.Message.Not.Contains("\n"));
        Assert.That(() => CommandLine.Parse(["export", "--out", value]), Throws.TypeOf<UsageException>()
            .With.Message.StartWith($"--out {ScratchNet.Files.ShownName.Quoted(value)} holds the shell variable $HOMEb").And.Message.Not.Contains("\n"));
    }

    // Trimmed, blanks alone were an empty value: --Checkpoints:Directory=" " silently turned checkpoints off.
    [TestCaseSource(typeof(PathSettings), nameof(PathSettings.Keys))]
    public void APathKeyOfBlanksAloneIsRefusedSayingWhatToGive(string key)
    {
        Assert.That(() => ScratchNetHost.CreateBuilder(["train", $"--{key}= \t "]),
            Throws.TypeOf<ConfigurationException>().With.Message.Contains($"{key} \" \\t \" (from command line (--{key})) is blank; give "));
    }

    [Test]
    public void BlanksInAFileOrTheEnvironmentAreRefusedToo_AndTheRefusalSaysHowToTurnCheckpointsOff()
    {
        string config = _dir.Combine("blank.json");
        File.WriteAllText(config, """{ "Model": { "InitFrom": "  " } }""");
        Environment.SetEnvironmentVariable("SCRATCHNET_Checkpoints__Directory", " ");
        try
        {
            Assert.That(() => ScratchNetHost.CreateBuilder(["train", "--config", config]), Throws.TypeOf<ConfigurationException>()
                .With.Message.Contains($"Model:InitFrom \"  \" (from {config}) is blank; give a .snm or .safetensors file, or leave the key out")
                .And.Message.Contains("Checkpoints:Directory \" \" (from environment variable SCRATCHNET_Checkpoints__Directory) is blank; give a folder, leave the key out for the default, checkpoints, or give it empty (--Checkpoints:Directory=) to turn checkpoints off"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCRATCHNET_Checkpoints__Directory", null);
        }
    }

    [Test]
    public void AnEmptyPathKeyOrALineEndAloneIsAnEmptyValue_NoBlank()
    {
        // How a later source clears a key, and what an empty line of a CRLF .env file leaves.
        Environment.SetEnvironmentVariable("SCRATCHNET_Checkpoints__Directory", "\r");
        try
        {
            HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", "--Model:InitFrom="]);

            Assert.That(builder.Configuration["Checkpoints:Directory"], Is.Empty);
            Assert.That(builder.Configuration["Model:InitFrom"], Is.Empty);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCRATCHNET_Checkpoints__Directory", null);
        }
    }

    [Test]
    public void ADoubledDollarIsADollarOfTheName_InEverySource()
    {
        string config = _dir.Combine("dollar.json");
        File.WriteAllText(config, """{ "Data": { "CacheDirectory": "/mnt/$$RECYCLE.BIN/cache" } }""");
        Environment.SetEnvironmentVariable("SCRATCHNET_Checkpoints__Directory", "/ck/$${HOME}");
        try
        {
            HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", "--config", config, "--Run:Directory=/mnt/$$RECYCLE.BIN/runs$$$1$"]);

            Assert.That(builder.Configuration["Data:CacheDirectory"], Is.EqualTo("/mnt/$RECYCLE.BIN/cache"));
            Assert.That(builder.Configuration["Checkpoints:Directory"], Is.EqualTo("/ck/${HOME}"));
            Assert.That(builder.Configuration["Run:Directory"], Is.EqualTo("/mnt/$RECYCLE.BIN/runs$$1$"), "$$ is one $; a lone $ or $1 stays as written");
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCRATCHNET_Checkpoints__Directory", null);
        }
    }

    [TestCase("/mnt/$RECYCLE.BIN", "holds the shell variable $RECYCLE", "or $$ for a $ that is part of a name (/mnt/$$RECYCLE.BIN)")]
    [TestCase("/a/$$$RECYCLE.BIN", "holds the shell variable $RECYCLE", "or $$ for a $ that is part of a name (/a/$$$$RECYCLE.BIN)")]
    public void ARefusedVariableNamesTheDoubledDollarForADollarOfTheName(string value, string problem, string fix)
    {
        Assert.That(() => ScratchNetHost.CreateBuilder(["train", $"--Run:Directory={value}"]),
            Throws.TypeOf<ConfigurationException>().With.Message.Contains($"Run:Directory {ScratchNet.Files.ShownName.Quoted(value)} (from command line (--Run:Directory)) {problem}").And.Message.Contains(fix));
    }

    [Test]
    public void ARefusedVariableShowsThePathItWouldHaveBeen()
    {
        Assert.That(() => ScratchNetHost.CreateBuilder(["train", "--Run:Directory=$HOME/runs"]),
            Throws.TypeOf<ConfigurationException>().With.Message.Contains($"write the path itself ({Environment.GetEnvironmentVariable("HOME")}/runs)"));
    }

    [Test]
    public void EveryPathLikePropertyOfTheOptionsClassesIsAPathKey()
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train"]);
        string[] suffixes = ["Directory", "From", "Path", "File", "Folder"];
        string[] pathLike = [.. ConfigurationCheck.Schema(builder).BoundTypes
            .SelectMany(t => t.Type.GetProperties().Where(p => p.PropertyType == typeof(string) && suffixes.Any(s => p.Name.EndsWith(s, StringComparison.Ordinal))).Select(p => $"{t.Section}:{p.Name}"))];

        Assert.That(pathLike, Is.Not.Empty);
        Assert.That(pathLike, Is.SubsetOf(PathSettings.Keys), "a new key that names a file or folder belongs in PathSettings.Keys, so ~ is expanded there too");
    }

    [Test]
    public void AWindowsLineEndIsNoPartOfANameOrAPath()
    {
        Environment.SetEnvironmentVariable("SCRATCHNET_Run__Directory", "myruns\r");
        Environment.SetEnvironmentVariable("SCRATCHNET_Optimizer__Name", " adam\r\n");
        try
        {
            HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", "--Data:Dataset=mnist\r"]);

            Assert.That(builder.Configuration["Run:Directory"], Is.EqualTo("myruns"));
            Assert.That(builder.Configuration["Optimizer:Name"], Is.EqualTo("adam"));
            Assert.That(builder.Configuration["Data:Dataset"], Is.EqualTo("mnist"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCRATCHNET_Run__Directory", null);
            Environment.SetEnvironmentVariable("SCRATCHNET_Optimizer__Name", null);
        }
    }

    [Test]
    public void SerilogsTemplatesKeepTheirOwnSpacesAndLineEnds()
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", "--Serilog:WriteTo:0:Args:outputTemplate={Message} \n"]);

        Assert.That(builder.Configuration["Serilog:WriteTo:0:Args:outputTemplate"], Is.EqualTo("{Message} \n"));
    }

    [Test]
    public void TheTestsOwnVariablesAreNoConfiguration()
    {
        string[] names = ["SCRATCHNET_TEST_FUZZ_ITERATIONS", "SCRATCHNET_TEST_FUZZ_SEED", "SCRATCHNET_TEST_CACHE", "SCRATCHNET_TEST_SCREENSHOTS", "SCRATCHNET_TEST_DASHBOARD_URL", "SCRATCHNET_TEST_LIVE_SECONDS", "scratchnet_test__Anything"];
        foreach (string name in names)
        {
            Environment.SetEnvironmentVariable(name, "7");
        }

        try
        {
            HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train"]);

            Assert.DoesNotThrow(() => ConfigurationCheck.ThrowIfInvalid(builder));
        }
        finally
        {
            foreach (string name in names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    [Test]
    public void AConfigFileInLatin1IsRefusedAtItsFirstByteThatIsNoUtf8()
    {
        string config = _dir.Combine("latin.json");
        File.WriteAllBytes(config, Encoding.Latin1.GetBytes("""{"Run":{"Directory":"résultats"}}"""));

        Assert.That(() => ScratchNetHost.CreateBuilder(["train", "--config", config]),
            Throws.TypeOf<ConfigurationFileNotFoundException>().With.Message.Contains($"{config} is not UTF-8: byte offset 22 (0xE9)").And.Message.Contains("save it as UTF-8"));
    }

    [Test]
    public void AConfigFileInUtf8OrUtf16WithAByteOrderMarkIsRead()
    {
        string utf8 = _dir.Combine("utf8.json"), utf16 = _dir.Combine("utf16.json");
        File.WriteAllText(utf8, """{"Run":{"Directory":"résultats"}}""", new UTF8Encoding(false));
        File.WriteAllText(utf16, """{"Run":{"Directory":"résultats"}}""", Encoding.Unicode);

        Assert.That(ScratchNetHost.CreateBuilder(["train", "--config", utf8]).Configuration["Run:Directory"], Is.EqualTo("résultats"));
        Assert.That(ScratchNetHost.CreateBuilder(["train", "--config", utf16]).Configuration["Run:Directory"], Is.EqualTo("résultats"));
    }
}
