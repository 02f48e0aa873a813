using Microsoft.Extensions.Hosting;
using ScratchNet.Host.Settings;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Settings;

/// <summary>An unknown key named as a learner would name it in the section they are editing points to the key where it lives.</summary>
public sealed class KeySuggestionTests
{
    [TestCase("--Training:Optimizer=adam", "did you mean Optimizer:Name?")]
    [TestCase("--Training:Lr=0.01", "did you mean Optimizer:LearningRate?")]
    [TestCase("--Schedule:LearningRate=0.01", "did you mean Optimizer:LearningRate?")]
    [TestCase("--Training:Dropout=0.1", "did you mean Model:Dropout?")]
    [TestCase("--Training:Recipe=cnn", "did you mean Recipe (the top-level key, or --recipe NAME)?")]
    public void AKeyWrittenInTheWrongSectionIsPointedToWhereItLives(string argument, string suggestion)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", argument]);

        Assert.That(() => ConfigurationCheck.ThrowIfInvalid(builder), Throws.TypeOf<ConfigurationException>().With.Message.Contains(suggestion));
    }

    // A contributor who followed the old docs still exports SCRATCHNET_FUZZ_SEED: the refusal names what it is called now.
    [TestCaseSource(typeof(UserSources), nameof(UserSources.RenamedTestVariables))]
    public void ATestsVariableUnderItsOldNameIsPointedToItsNewOne(KeyValuePair<string, string> renamed)
    {
        string old = $"SCRATCHNET_{renamed.Key}";
        Environment.SetEnvironmentVariable(old, "7");
        try
        {
            HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train"]);

            Assert.That(() => ConfigurationCheck.ThrowIfInvalid(builder), Throws.TypeOf<ConfigurationException>().With.Message.Contains(
                $"unknown key {renamed.Key} (from environment variable {old}) — did you mean SCRATCHNET_TEST_{renamed.Key} (the tests' and tools' variables start SCRATCHNET_TEST_ now: export that one instead, and unset {old})?"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(old, null);
        }
    }

    [Test]
    public void AnOldTestVariablesNameWrittenAsAKeyElsewhereIsNoRename()
    {
        using var dir = new TempDirectory();
        string config = dir.Combine("c.json");
        File.WriteAllText(config, """{ "FUZZ_SEED": 7 }""");
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", "--config", config]);

        Assert.That(() => ConfigurationCheck.ThrowIfInvalid(builder), Throws.TypeOf<ConfigurationException>().With.Message.Contains("unknown key FUZZ_SEED (from ").And.Message.Not.Contains("SCRATCHNET_TEST_"));
    }

    // An empty name got a random suggestion ("unknown key  … — did you mean Run:Directory?").
    [TestCase("--:=1", ":", "command line (--:)")]
    [TestCase("--Training:=1", "Training:", "command line (--Training:)")]
    [TestCase("--Training::Epochs=1", "Training::Epochs", "command line (--Training::Epochs)")]
    public void AKeyWithAnEmptyName_IsSaidToHaveOne_WithoutASuggestion(string argument, string key, string source)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train", argument]);

        Assert.That(() => ConfigurationCheck.ThrowIfInvalid(builder), Throws.TypeOf<ConfigurationException>().With.Message.EqualTo(
            $"a key with an empty name, '{key}' (from {source}); a key is written Section:Key, e.g. Training:Epochs, or remove it"));
    }

    // The framework turns each __ into : before it compares the prefix, so these variables were dropped without a word
    // (SCRATCHNET___ is SCRATCHNET:_), where any other unknown key is refused.
    [TestCase("SCRATCHNET___", "e.g. SCRATCHNET_Training__Epochs=5")]
    [TestCase("SCRATCHNET__", "e.g. SCRATCHNET_Training__Epochs=5")]
    [TestCase("SCRATCHNET__A____B", "e.g. SCRATCHNET_Training__Epochs=5")]
    [TestCase("SCRATCHNET__Training__Epochs", "did you mean SCRATCHNET_Training__Epochs?")]
    [TestCase("scratchnet___Training__Epochs", "did you mean SCRATCHNET_Training__Epochs?")]
    public void AVariableWhoseNameNamesNoKey_IsRefused_NamedAsWritten(string name, string fix)
    {
        Environment.SetEnvironmentVariable(name, "x");
        try
        {
            HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(["train"]);

            Assert.That(() => ConfigurationCheck.ThrowIfInvalid(builder), Throws.TypeOf<ConfigurationException>().With.Message.EqualTo(
                $"the environment variable {name} names no key: after SCRATCHNET_ its name is Section__Key, with no _ at its start ({fix}); rename it, or unset it (unset {name})"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
