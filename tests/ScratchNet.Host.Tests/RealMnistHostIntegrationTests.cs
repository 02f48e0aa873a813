using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Training.Results;

namespace ScratchNet.Host.Tests;

/// <summary>One epoch of the reference recipe on real MNIST, through the real host, fetch chain and cache.</summary>
[Category("Integration")]
public sealed class RealMnistHostIntegrationTests
{
    [Test]
    public async Task OneEpochOfTheReferenceRecipeReachesAtLeast85PercentValidationAccuracy()
    {
        using var runs = new TempDirectory();
        string[] args = ["train", "--Training:Epochs=1", $"--Run:Directory={runs.Path}", .. RealMnist.HostArguments];
        TrainingResult result;
        using (IHost host = TestHost.Build(args, dataset: null))
        {
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            result = await ((TrainCommand)host.Services.GetRequiredKeyedService<ICommand>("train")).TrainAsync(CancellationToken.None);
        }

        TestContext.Out.WriteLine($"val_loss={result.FinalValidation.Loss:F4} val_acc={result.FinalValidation.Accuracy:F4} epoch {result.History[0].TrainSeconds:F2} s");
        Assert.That(result.History, Has.Count.EqualTo(1));
        Assert.That(result.FinalValidation.ConfusionMatrix.Total, Is.EqualTo(14_000));
        Assert.That(result.FinalValidation.Accuracy, Is.GreaterThanOrEqualTo(0.85));
        Assert.That(Directory.GetFiles(runs.Path, "log.clef", SearchOption.AllDirectories), Has.Length.EqualTo(1));
    }
}
