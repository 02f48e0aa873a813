using ScratchNet.Files;
using ScratchNet.Host.Runs;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using ScratchNet.Data;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using ScratchNet.Host.Reports;
using ScratchNet.Training;
using ScratchNet.Training.Reports;

namespace ScratchNet.Host.Tests.Reports;

public class HistoryWriterTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("scratchnet-history-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static readonly EpochMetrics[] TwoEpochs =
    [
        new(1, 0.5, 0.25, 0.875, 1.5, 0.125, TrainAccuracy: 0.75, LearningRate: 0.003),
        new(2, 0.1 + 0.2, 0.2, 0.9, 1.25, 0.0625, TrainAccuracy: 0.875, LearningRate: 0.0015),
    ];

    [Test]
    public void ToCsv_WritesTheHeaderAndOneRoundTrippableRowPerEpoch()
    {
        string[] lines = History.ToCsv(TwoEpochs).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("epoch,train_loss,train_acc,val_loss,val_acc,learning_rate,train_seconds,eval_seconds"));
        Assert.That(lines[1], Is.EqualTo("1,0.5,0.75,0.25,0.875,0.003,1.5,0.125"));
        Assert.That(double.Parse(lines[2].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(0.1 + 0.2));
        Assert.That(lines, Has.Length.EqualTo(3));
    }

    [Test]
    public void TheLearningRateIsTheFloatsShortestForm()
    {
        // The optimizer's rate is a float: widened, 0.003f would be written 0.003000000026077032.
        EpochMetrics[] fromFloats = [new(1, 0.5, 0.25, 0.875, 1.5, 0.125, TrainAccuracy: 0.75, LearningRate: 0.003f)];

        Assert.That(History.ToCsv(fromFloats).Split('\n')[1].Split(',')[5], Is.EqualTo("0.003"));
        Assert.That(History.ToJson(fromFloats), Does.Contain("\"learning_rate\":0.003,").Or.Contain("\"learning_rate\": 0.003,"));
    }

    [Test]
    public void ToJson_WritesSnakeCaseRecords()
    {
        using JsonDocument json = JsonDocument.Parse(History.ToJson(TwoEpochs));
        JsonElement second = json.RootElement[1];
        Assert.That(json.RootElement.GetArrayLength(), Is.EqualTo(2));
        Assert.That(second.GetProperty("epoch").GetInt32(), Is.EqualTo(2));
        Assert.That(second.GetProperty("val_acc").GetDouble(), Is.EqualTo(0.9));
        Assert.That(second.GetProperty("eval_seconds").GetDouble(), Is.EqualTo(0.0625));
        Assert.That(second.GetProperty("train_acc").GetDouble(), Is.EqualTo(0.875));
        Assert.That(second.GetProperty("learning_rate").GetDouble(), Is.EqualTo(0.0015));
    }

    [Test]
    public void ToCsv_LeavesUnknownTrainAccuracyAndRateEmpty()
    {
        string[] lines = History.ToCsv([new EpochMetrics(1, 0.5, 0.25, 0.875, 1.5, 0.125)]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[1], Is.EqualTo("1,0.5,,0.25,0.875,,1.5,0.125"));
    }

    [Test]
    public async Task Trainer_WithHistoryWriter_LeavesTheFullHistory_WhenCancelledMidRun()
    {
        var writer = new HistoryWriter(new RunFolder(_folder));
        using var cts = new CancellationTokenSource();
        var stopper = new Mock<ITrainingCallback>();
        stopper.Setup(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.Is<EpochMetrics>(m => m.Epoch == 3))).Callback(cts.Cancel);
        Assert.That(async () => await CreateTrainer([writer, stopper.Object]).TrainAsync(cts.Token), Throws.InstanceOf<OperationCanceledException>());

        string[] csv = await File.ReadAllLinesAsync(Path.Combine(_folder, HistoryWriter.CsvFile));
        Assert.That(csv.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "1", "2", "3" }));
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, HistoryWriter.JsonFile)));
        Assert.That(json.RootElement.GetArrayLength(), Is.EqualTo(3));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    public void ToJson_IsTheSerializersTextOfTheWholeArray_ByteForByte(int rows)
    {
        // The rows' texts are put together by hand so that a writer can add one at the end: the file must not change for it.
        EpochMetrics[] history = TwoEpochs[..rows];

        Assert.That(History.ToJson(history), Is.EqualTo(JsonSerializer.Serialize(history.Select(HistoryRow.From).ToArray(), ReportJson.Options)));
    }

    [Test]
    public async Task HistoryWriter_AddsEachEpochToTheFilesItWrote_InsteadOfWritingThemWholeAgain()
    {
        // A handle opened after epoch 1 still sees the file's content after epoch 5 only if every later row went into that
        // same file: a file written whole again (a temp file renamed over it) is a new file, and the handle keeps the old.
        var opened = new List<FileStream>();
        var spy = new Mock<ITrainingCallback>();
        spy.Setup(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.Is<EpochMetrics>(m => m.Epoch == 1))).Callback(() => opened.AddRange(
            [.. new[] { HistoryWriter.CsvFile, HistoryWriter.JsonFile }.Select(f => new FileStream(Path.Combine(_folder, f), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))]));

        TrainingResult result = await CreateTrainer([new HistoryWriter(new RunFolder(_folder)), spy.Object], epochs: 5).TrainAsync();

        string[] expected = [History.ToCsv(result.History), History.ToJson(result.History)];
        Assert.That(opened, Has.Count.EqualTo(2));
        for (int i = 0; i < 2; i++)
        {
            using var reader = new StreamReader(opened[i]);
            Assert.That(await reader.ReadToEndAsync(), Is.EqualTo(expected[i]), "the file of epoch 1 holds every epoch");
        }

        Assert.That(await File.ReadAllTextAsync(Path.Combine(_folder, HistoryWriter.CsvFile)), Is.EqualTo(expected[0]));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(_folder, HistoryWriter.JsonFile)), Is.EqualTo(expected[1]));
        Assert.That(result.History, Has.Count.EqualTo(5));
    }

    [TestCase("3,0.5,0.")]
    [TestCase("")]
    public async Task HistoryWriter_WritesAFileWholeAgain_WhenItIsNotAsTheWriterLeftIt(string torn)
    {
        // A half row (or an emptied file) from outside the writer: the next epoch's row does not land behind it.
        var spy = new Mock<ITrainingCallback>();
        spy.Setup(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.Is<EpochMetrics>(m => m.Epoch == 2))).Callback(() =>
        {
            string csv = Path.Combine(_folder, HistoryWriter.CsvFile);
            File.WriteAllText(csv, torn.Length == 0 ? string.Empty : File.ReadAllText(csv) + torn);
            string json = Path.Combine(_folder, HistoryWriter.JsonFile);
            File.WriteAllText(json, File.ReadAllText(json)[..^1] + torn);
        });

        TrainingResult result = await CreateTrainer([new HistoryWriter(new RunFolder(_folder)), spy.Object], epochs: 4).TrainAsync();

        Assert.That(await File.ReadAllTextAsync(Path.Combine(_folder, HistoryWriter.CsvFile)), Is.EqualTo(History.ToCsv(result.History)));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(_folder, HistoryWriter.JsonFile)), Is.EqualTo(History.ToJson(result.History)));
    }

    [Test]
    public async Task HistoryWriter_WritesAFileWholeAgain_WhenItWasEditedInPlace_KeepingItsLengthAndEnd()
    {
        // A digit changed by hand mid-run leaves the length and the last bytes as the writer left them; the last-write time
        // tells. The file system's clock moves in ticks of a few milliseconds, and a person edits seconds later: wait a tick.
        var spy = new Mock<ITrainingCallback>();
        spy.Setup(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.Is<EpochMetrics>(m => m.Epoch == 2))).Callback(() =>
        {
            Thread.Sleep(50);
            foreach (string file in new[] { HistoryWriter.CsvFile, HistoryWriter.JsonFile })
            {
                string path = Path.Combine(_folder, file);
                byte[] bytes = File.ReadAllBytes(path);
                int digit = Array.FindIndex(bytes, Array.IndexOf(bytes, (byte)'\n') + 1, b => b is >= (byte)'1' and <= (byte)'8');
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                stream.Position = digit;
                stream.WriteByte((byte)(bytes[digit] + 1));
            }
        });

        TrainingResult result = await CreateTrainer([new HistoryWriter(new RunFolder(_folder)), spy.Object], epochs: 4).TrainAsync();

        Assert.That(await File.ReadAllTextAsync(Path.Combine(_folder, HistoryWriter.CsvFile)), Is.EqualTo(History.ToCsv(result.History)));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(_folder, HistoryWriter.JsonFile)), Is.EqualTo(History.ToJson(result.History)));
    }

    [Test]
    public async Task HistoryWriter_StopsTraining_WhenTheFolderCannotBeWritten()
    {
        // As a checkpoint that cannot be written does: the run's record is not quietly left behind (exit 8 in the host).
        string blocked = Path.Combine(_folder, "file-not-folder");
        await File.WriteAllTextAsync(blocked, "x");
        var later = new Mock<ITrainingCallback>();

        Assert.That(async () => await CreateTrainer([new HistoryWriter(new RunFolder(blocked)), later.Object], epochs: 2).TrainAsync(),
            Throws.InstanceOf<FileWriteException>().With.Message.Contains(Path.Combine(blocked, HistoryWriter.CsvFile)));
        later.Verify(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.IsAny<EpochMetrics>()), Times.Never);
    }

    [Test]
    public async Task MetricsWriter_StopsTheRun_WhenTheFolderCannotBeWritten()
    {
        string blocked = Path.Combine(_folder, "file-not-folder");
        await File.WriteAllTextAsync(blocked, "x");

        Assert.That(async () => await CreateTrainer([new MetricsWriter(new RunFolder(blocked), NullLogger<MetricsWriter>.Instance)], epochs: 1).TrainAsync(),
            Throws.InstanceOf<FileWriteException>().With.Message.Contains(Path.Combine(blocked, MetricsWriter.FileName)));
    }

    [Test]
    public void MetricsWriter_StopsTheRun_AndDoesNotMakeTheFolderAgain_WhenTheRunFolderWasRemoved()
    {
        // While the reports are being written, the last moment a user can remove the folder before the run ends.
        string path = Path.Combine(_folder, "20261126-000000-0000000a");
        using var folder = new RunFolder(path);
        folder.Claim();
        Directory.Delete(path, recursive: true);

        Assert.That(async () => await CreateTrainer([new MetricsWriter(folder, NullLogger<MetricsWriter>.Instance)], epochs: 1).TrainAsync(),
            Throws.InstanceOf<RunOutputException>().With.Message.Contains($"The run folder {path} was removed, moved or replaced"));
        Assert.That(Directory.Exists(path), Is.False, "metrics.json did not make the folder again");
    }

    [Test]
    public void HistoryWriter_StopsTheRun_AndDoesNotMakeTheFolderAgain_WhenTheRunFolderWasRemoved()
    {
        // Between the epoch's check and its history: a big resume point takes long enough to be the moment a folder goes.
        string path = Path.Combine(_folder, "20261126-000000-0000000c");
        using var folder = new RunFolder(path);
        folder.Claim();
        Directory.Delete(path, recursive: true);

        Assert.That(async () => await CreateTrainer([new HistoryWriter(folder)], epochs: 1).TrainAsync(),
            Throws.InstanceOf<RunOutputException>().With.Message.Contains($"The run folder {path} was removed, moved or replaced"));
        Assert.That(Directory.Exists(path), Is.False, "history.csv did not make the folder again");
    }

    [Test]
    public async Task MetricsWriter_WritesMetricsJson_AtTheEndOfTraining()
    {
        TrainingResult result = await CreateTrainer([new MetricsWriter(new RunFolder(_folder), NullLogger<MetricsWriter>.Instance)], epochs: 2).TrainAsync();
        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, MetricsWriter.FileName)));
        JsonElement root = json.RootElement;
        Assert.That(root.GetProperty("accuracy").GetDouble(), Is.EqualTo(result.FinalValidation.Accuracy));
        Assert.That(root.GetProperty("rows").GetInt32(), Is.EqualTo(100));
        Assert.That(root.GetProperty("classes").GetArrayLength(), Is.EqualTo(3));
        double ece = root.GetProperty("expected_calibration_error").GetDouble();
        Assert.That(ece, Is.InRange(0.0, 1.0));
    }

    private static Trainer CreateTrainer(IEnumerable<ITrainingCallback> callbacks, int epochs = 5)
    {
        Dataset dataset = SyntheticData.Blobs();
        var provider = new Mock<IDatasetProvider>();
        provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(dataset);
        var training = Microsoft.Extensions.Options.Options.Create(new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = 3, EvaluationBatchSize = 64 });
        var model = Microsoft.Extensions.Options.Options.Create(new ModelOptions { LayerSizes = "8,16,3" });
        return new Trainer(provider.Object, new NetworkFactory(model, training), new Sgd(0.1f), callbacks, training);
    }
}
