using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Moq;
using ScratchNet.Data;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Reports;
using ScratchNet.Host.Reports.TensorBoard;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;

using ScratchNet.Host.Runs;

namespace ScratchNet.Host.Tests.Reports;

/// <summary>What a train run leaves in its run folder, end to end through the real host on synthetic MNIST-shaped data.</summary>
public sealed class RunFolderReportsTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private string[] Args(params string[] extra) =>
    [
        "train", "--Training:Epochs=3", "--Training:BatchSize=16", "--Model:LayerSizes=784,32,10", "--Optimizer:LearningRate=0.1",
        $"--Run:Directory={_dir.Path}", $"--Checkpoints:Directory={_dir.Combine("checkpoints")}", .. extra,
    ];

    [Test]
    public async Task HistoryHoldsTheTrainAccuracyMeasuredBeforeEachUpdateAndTheScheduledLearningRate()
    {
        // One batch per epoch and no dropout: an epoch's train accuracy is then the accuracy, on all train rows,
        // of the weights as the epoch began, which a probe measures independently with the Evaluator.
        var probe = new AccuracyProbe();
        string[] args = Args("--Training:BatchSize=300", "--Schedule:Name=step", "--Schedule:StepSize=1", "--Schedule:Gamma=0.5");
        TrainingResult result = await Train(args, SyntheticMnist.Create(trainRows: 300), services => services.AddSingleton<ITrainingCallback>(probe));

        string[] csv = File.ReadAllLines(Path.Combine(RunFolder(), "history.csv"));
        Assert.That(csv[0], Is.EqualTo("epoch,train_loss,train_acc,val_loss,val_acc,learning_rate,train_seconds,eval_seconds"));
        double[] trainAcc = [.. csv.Skip(1).Select(line => double.Parse(line.Split(',')[2], CultureInfo.InvariantCulture))];
        double[] rates = [.. csv.Skip(1).Select(line => double.Parse(line.Split(',')[5], CultureInfo.InvariantCulture))];
        Assert.That(trainAcc, Is.EqualTo(probe.AccuracyAtEpochStart));
        Assert.That(trainAcc[^1], Is.GreaterThan(trainAcc[0]), "it learns");
        // The float rates as written in configuration, not widened to 0.10000000149011612.
        Assert.That(csv.Skip(1).Select(line => line.Split(',')[5]), Is.EqualTo(new[] { "0.1", "0.05", "0.025" }));
        Assert.That(rates.Select(r => (float)r), Is.EqualTo(new[] { 0.1f, 0.05f, 0.025f }), "read back as floats, the optimizer's rates exactly");

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RunFolder(), "history.json")));
        Assert.That(json.RootElement.EnumerateArray().Select(e => e.GetProperty("train_acc").GetDouble()), Is.EqualTo(trainAcc));
        Assert.That(json.RootElement.EnumerateArray().Select(e => e.GetProperty("learning_rate").GetDouble()), Is.EqualTo(rates));
        Assert.That(result.History.Select(h => h.TrainAccuracy), Is.EqualTo(trainAcc));
    }

    [Test]
    public async Task TheEpochLogLineCarriesTrainAccuracyAsAStructuredProperty()
    {
        TrainingResult result = await Train(Args(), SyntheticMnist.Create());
        JsonElement[] epochs = [.. File.ReadAllLines(Path.Combine(RunFolder(), "log.clef"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("TrainAccuracy", out _))];
        Assert.That(epochs.Select(e => e.GetProperty("TrainAccuracy").GetDouble()), Is.EqualTo(result.History.Select(h => h.TrainAccuracy)));
        Assert.That(epochs[0].GetProperty("@mt").GetString(), Does.Contain("train_acc={TrainAccuracy:F4}"));
    }

    [TestCase(false, "validation")]
    [TestCase(true, "test")]
    public async Task MetricsJsonAndTheTensorboardFolderNameTheHeldOutSplit(bool officialSplit, string heldOut)
    {
        await Train(Args("--Reports:TensorBoard=true"), SyntheticMnist.Create() with { ValidationIsTestSet = officialSplit });

        using JsonDocument metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(RunFolder(), "metrics.json")));
        Assert.That(metrics.RootElement.GetProperty("split").GetString(), Is.EqualTo(heldOut));
        Assert.That(Directory.GetDirectories(Path.Combine(RunFolder(), "tensorboard")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "train", heldOut }));
    }

    [Test]
    public async Task TensorBoardFilesHoldEveryEpochsScalarsAndImagesEveryNEpochsAndAfterTheLast()
    {
        TrainingResult result = await Train(Args("--Reports:TensorBoard=true", "--Reports:TensorBoardImageEvery=2"), SyntheticMnist.Create());

        List<Event> train = ReadEvents("train");
        List<Event> validation = ReadEvents("validation");
        Assert.That(train[0].FileVersion, Is.EqualTo("brain.Event:2"));
        Assert.That(validation[0].FileVersion, Is.EqualTo("brain.Event:2"));
        Assert.That(Scalars(train, "epoch_loss"), Is.EqualTo(result.History.Select(h => (h.Epoch, (float)h.TrainLoss))));
        Assert.That(Scalars(train, "epoch_accuracy"), Is.EqualTo(result.History.Select(h => (h.Epoch, (float)h.TrainAccuracy))));
        Assert.That(Scalars(train, "epoch_learning_rate"), Is.EqualTo(result.History.Select(h => (h.Epoch, 0.1f))));
        Assert.That(Scalars(validation, "epoch_loss"), Is.EqualTo(result.History.Select(h => (h.Epoch, (float)h.ValidationLoss))));
        Assert.That(Scalars(validation, "epoch_accuracy"), Is.EqualTo(result.History.Select(h => (h.Epoch, (float)h.ValidationAccuracy))));

        Assert.That(ImageSteps(train, "first_layer_weights"), Is.EqualTo(new[] { 2L, 3L }));
        Assert.That(ImageSteps(validation, "confusion_matrix"), Is.EqualTo(new[] { 2L, 3L }));
        Summary.Types.Image confusion = validation.Select(e => e.Summary?.Value.FirstOrDefault(v => v.Tag == "confusion_matrix")).Last(v => v is not null)!.Image;
        Assert.That((confusion.Width, confusion.Height), Is.EqualTo((Plots.ConfusionWidth, Plots.ConfusionHeight)));
    }

    [Test]
    public async Task TensorBoardIsOff_UnlessAskedForAndNeverChangesTheTraining()
    {
        TrainingResult plain = await Train(Args("--Training:Seed=7"), SyntheticMnist.Create());
        Assert.That(Directory.Exists(Path.Combine(RunFolder(), "tensorboard")), Is.False);
        Directory.Delete(RunFolder(), recursive: true);

        TrainingResult logged = await Train(Args("--Training:Seed=7", "--Reports:TensorBoard=true"), SyntheticMnist.Create());
        Assert.That(Directory.Exists(Path.Combine(RunFolder(), "tensorboard")), Is.True);
        Assert.That(logged.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy)), Is.EqualTo(plain.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy))));
    }

    [Test]
    public async Task ALogScaleLossChartIsWritten_WhenAskedFor()
    {
        await Train(Args("--Reports:LossScale=log"), SyntheticMnist.Create());
        Assert.That(new FileInfo(Path.Combine(RunFolder(), "loss.png")).Length, Is.GreaterThan(1000));
    }

    [Test]
    public void BadReportsValuesAreExitCode2NamingTheKeyAndTheValidValues()
    {
        using IHost host = TestHost.Build(Args("--Reports:LossScale=cubic", "--Reports:TensorBoardImageEvery=0"), SyntheticMnist.Create());
        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);
        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.Message, Does.Contain("Reports:LossScale must be one of linear, log, got 'cubic'"));
        Assert.That(failure.Message, Does.Contain("Reports:TensorBoardImageEvery must be at least 1 (epochs between TensorBoard images), got 0"));
    }

    private async Task<TrainingResult> Train(string[] args, Dataset dataset, Action<IServiceCollection>? extra = null)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(args, services =>
        {
            var provider = new Mock<IDatasetProvider>();
            provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(dataset);
            services.Replace(ServiceDescriptor.Singleton(provider.Object));
            extra?.Invoke(services);
        });
        using IHost host = builder.Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        return await ((TrainCommand)host.Services.GetRequiredKeyedService<ICommand>("train")).TrainAsync(CancellationToken.None);
    }

    private string RunFolder() => Directory.GetDirectories(_dir.Path).Single(d => Path.GetFileName(d) != "checkpoints");

    private List<Event> ReadEvents(string split) =>
        EventFileReader.Read(Directory.GetFiles(Path.Combine(RunFolder(), "tensorboard", split), "events.out.tfevents.*").Single());

    private static (int Epoch, float Value)[] Scalars(List<Event> events, string tag) =>
        [.. events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Where(v => v.Tag == tag).Select(v => ((int)e.Step, v.SimpleValue)))];

    private static long[] ImageSteps(List<Event> events, string tag) =>
        [.. events.Where(e => e.Summary is not null && e.Summary.Value.Any(v => v.Tag == tag && v.Image is not null)).Select(e => e.Step)];

    /// <summary>Before each epoch, the accuracy of the current weights on every train row.</summary>
    private sealed class AccuracyProbe : ITrainingCallback
    {
        public List<double> AccuracyAtEpochStart { get; } = [];

        public void OnEpochBegin(TrainingContext context, int epoch) =>
            AccuracyAtEpochStart.Add(new Evaluator(context.Network.Capacity, context.Dataset.Train.ClassCount).Evaluate(context.Network, context.Dataset.Train).Accuracy);
    }
}
