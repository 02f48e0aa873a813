using Microsoft.Extensions.Hosting;
using ScratchNet.Host.Settings;

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
}
