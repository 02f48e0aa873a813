using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ScratchNet.Data;
using ScratchNet.Host.Commands;
using ScratchNet.Training;
using ScratchNet.Training.Diagnostics;
using ScratchNet.Training.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace ScratchNet.Host.Tests.Commands;

public class DiagnoseCommandTests
{
    [Test]
    public void Catalog_AcceptsTheDiagnoseOptions_AndRejectsOthers()
    {
        Assert.That(CommandCatalog.Check(CommandLine.Parse(["diagnose", "--steps", "10", "--batch", "8", "--entries", "5"])).Name, Is.EqualTo("diagnose"));
        var error = Assert.Throws<UsageException>(() => CommandCatalog.Check(CommandLine.Parse(["diagnose", "--epochs", "3"])));
        Assert.That(error!.Message, Does.Contain("--steps"));
        Assert.That(CommandCatalog.HelpText(), Does.Contain("diagnose"));
    }

    [Test]
    public void Run_RejectsANegativeBatchWithTheBatchRange_NotAsAOneDashOption()
    {
        var provider = new Mock<IDatasetProvider>(MockBehavior.Strict);
        var training = MsOptions.Create(new TrainingOptions());
        var runner = new DiagnosticsRunner(provider.Object, Mock.Of<INetworkFactory>(), MsOptions.Create(new OptimizerOptions()), training, NullLogger<DiagnosticsRunner>.Instance);
        var command = new DiagnoseCommand(runner, training, MsOptions.Create(new ModelOptions()), new ResultWriter(TextWriter.Null));
        CommandLine line = CommandLine.Parse(["diagnose", "--batch", "-1"]);

        Assert.That(CommandCatalog.Check(line).Name, Is.EqualTo("diagnose"));
        var error = Assert.ThrowsAsync<UsageException>(() => command.RunAsync(line, CancellationToken.None));
        Assert.That(error!.Message, Is.EqualTo($"--batch must be a whole number from 1 to {TrainingOptions.MaxBatchRows}, got '-1'"));
    }

    [TestCase("abc")]
    [TestCase("0")]
    public void Run_RejectsAStepCountThatIsNotAPositiveWholeNumber(string steps)
    {
        var provider = new Mock<IDatasetProvider>(MockBehavior.Strict);
        var training = MsOptions.Create(new TrainingOptions());
        var runner = new DiagnosticsRunner(provider.Object, Mock.Of<INetworkFactory>(), MsOptions.Create(new OptimizerOptions()), training, NullLogger<DiagnosticsRunner>.Instance);
        var command = new DiagnoseCommand(runner, training, MsOptions.Create(new ModelOptions()), new ResultWriter(TextWriter.Null));
        var error = Assert.ThrowsAsync<UsageException>(() => command.RunAsync(CommandLine.Parse(["diagnose", "--steps", steps]), CancellationToken.None));
        Assert.That(error!.Message, Does.Contain("--steps must be a whole number from 1 to 10000000"));
    }
}
