using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;

namespace ScratchNet.Host.Tests.Commands;

/// <summary>The train command end to end through the real host, on synthetic MNIST-shaped data from a mocked provider.</summary>
public sealed class TrainCommandTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private string[] Args(params string[] extra) =>
        ["train", "--Training:Epochs=3", "--Training:BatchSize=16", "--Model:LayerSizes=784,32,10", "--Optimizer:LearningRate=0.1", $"--Run:Directory={_dir.Path}", .. extra];

    [Test]
    public async Task TrainRunsThroughTheHostAndExitsWithSuccess()
    {
        using IHost host = TestHost.Build(Args(), SyntheticMnist.Create());
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        int exitCode = await host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(Args()), CancellationToken.None);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
    }

    [Test]
    public async Task TrainRecordsOneHistoryEntryPerEpochAndWritesEachToTheRunLogAsStructuredProperties()
    {
        TrainingResult result;
        using (IHost host = TestHost.Build(Args(), SyntheticMnist.Create()))
        {
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            var command = (TrainCommand)host.Services.GetRequiredKeyedService<ICommand>("train");
            result = await command.TrainAsync(CancellationToken.None);
        }

        Assert.That(result.History.Select(h => h.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(result.History[^1].TrainLoss, Is.LessThan(result.History[0].TrainLoss));
        Assert.That(result.FinalValidation.Accuracy, Is.GreaterThan(0.9));

        string[] logs = Directory.GetFiles(_dir.Path, "log.clef", SearchOption.AllDirectories);
        Assert.That(logs, Has.Length.EqualTo(1), "one run folder with one structured log");
        Assert.That(Path.GetFileName(Path.GetDirectoryName(logs[0])), Does.Match(@"^\d{8}-\d{6}-[0-9a-f]{8}$"));
        List<JsonElement> epochs = [.. File.ReadAllLines(logs[0])
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("Epoch", out _) && e.TryGetProperty("TrainLoss", out _))];
        Assert.That(epochs, Has.Count.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            EpochMetrics expected = result.History[i];
            Assert.That(epochs[i].GetProperty("Epoch").GetInt32(), Is.EqualTo(expected.Epoch));
            Assert.That(epochs[i].GetProperty("TrainLoss").GetDouble(), Is.EqualTo(expected.TrainLoss));
            Assert.That(epochs[i].GetProperty("ValLoss").GetDouble(), Is.EqualTo(expected.ValidationLoss));
            Assert.That(epochs[i].GetProperty("ValAccuracy").GetDouble(), Is.EqualTo(expected.ValidationAccuracy));
            Assert.That(epochs[i].GetProperty("@mt").GetString(), Does.Contain("{TrainLoss"), "a message template, not an interpolated string");
        }
    }

    [TestCase("100,32,10", "the first layer size is 100, but the data has 784 features")]
    [TestCase("784,32,7", "the last layer (dense1) gives 7 outputs, but the data has 10 classes: set Model:LayerSizes to end with 10")]
    public void LayerSizesThatDoNotFitTheDataAreExitCode2NamingTheSizes(string layers, string expected)
    {
        string[] args = Args($"--Model:LayerSizes={layers}");
        using IHost host = TestHost.Build(args, SyntheticMnist.Create());
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        Exception error = Assert.CatchAsync(() => host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(args), CancellationToken.None))!;
        Failure failure = Failure.From(error);

        Assert.That(error, Is.TypeOf<TrainingSetupException>());
        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.IsBug, Is.False);
        Assert.That(failure.Message, Does.Contain(expected));
    }

    [Test]
    public void ACancelledRunMapsToExitCode130()
    {
        using IHost host = TestHost.Build(Args(), SyntheticMnist.Create());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Exception error = Assert.CatchAsync(() => host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(Args()), cancelled.Token))!;

        Assert.That(Failure.From(error).ExitCode, Is.EqualTo(ExitCodes.Interrupted));
    }

    [Test]
    public void AStopBeforeTheFirstBatch_LeavesNoRunFolder()
    {
        // The trainer saw the stop at epoch 1, batch 0 (after its set-up, e.g. hashing the data for checkpoints): it
        // saved an "interrupted" run whose resume point held nothing trained.
        using IHost host = TestHost.Build(Args(), SyntheticMnist.Create());
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        Exception error = Assert.CatchAsync(() => host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(Args()), new CancellationToken(canceled: true)))!;

        Assert.That(error, Is.InstanceOf<TrainingNotBegunException>());
        Assert.That(Failure.From(error), Is.EqualTo(new Failure(ExitCodes.Interrupted, "Interrupted before training began; nothing was trained or saved.", false)));
        Assert.That(Directory.GetFileSystemEntries(_dir.Path), Is.Empty, "nothing to keep or resume");
    }

    [Test]
    public void AStopAnsweredBeforeTrainingBegan_SaysSo_AndTrainingDoesNotBegin()
    {
        using IHost host = TestHost.Build(Args(), SyntheticMnist.Create());
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        // The answer comes before the host cancels the command's token: the trainer must keep to it all the same.
        string answer = host.Services.GetServices<IHostedService>().OfType<StopSignals>().Single().WhatHappens();

        Assert.That(answer, Is.EqualTo("training has not begun; it stops before its first batch and leaves no run folder"));
        Assert.ThrowsAsync<TrainingNotBegunException>(() => host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(Args()), CancellationToken.None));
        Assert.That(Directory.GetFileSystemEntries(_dir.Path), Is.Empty);
    }

    [Test]
    public void AResumeStoppedBeforeItsFirstBatch_SaysSo_AndTheRunStaysAtItsResumePoint()
    {
        using (var stop = new CancellationTokenSource())
        using (IHost first = TestHost.Build(Args(), SyntheticMnist.Create(), services => services.AddSingleton<ITrainingCallback>(new StopAfterBatch(stop, 1, 2))))
        {
            first.Services.GetRequiredService<IStartupValidator>().Validate();
            Assert.CatchAsync<TrainingInterruptedException>(() => first.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(Args()), stop.Token));
        }

        string run = Directory.GetDirectories(_dir.Path).Single();
        string[] points = Directory.GetFiles(run, "*.ckpt", SearchOption.AllDirectories);
        string point = points.Single();

        string[] resume = Args("--resume", run);
        using IHost host = TestHost.Build(resume, SyntheticMnist.Create());
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        string answer = host.Services.GetServices<IHostedService>().OfType<StopSignals>().Single().WhatHappens();
        Exception error = Assert.CatchAsync(() => host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(resume), CancellationToken.None))!;

        Assert.That(answer, Is.EqualTo("training has not resumed yet; it stops before its first batch, and the run stays at its resume point as it was"));
        Failure failure = Failure.From(error);
        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(failure.Message, Is.EqualTo($"Interrupted before training resumed; the run is still at its resume point {point}. Resume with: train --resume {run}"));
        Assert.That(Directory.GetFiles(run, "*.ckpt", SearchOption.AllDirectories), Is.EqualTo(points), "no point that trained nothing more");
        RunStatus status = RunStatus.TryRead(run)!;
        Assert.That((status.State, status.Sessions[^1].State), Is.EqualTo((RunStatus.Interrupted, RunStatus.Interrupted)));
        Assert.That((status.Sessions[^1].ResumedFrom, status.Sessions[^1].ResumePoint), Is.EqualTo((point, point)), "the session left the point it resumed from");
    }

    [Test]
    public async Task TwoIdenticalTrainings_HaveTheSameWeightsDigest_AndAChangedWeightChangesIt()
    {
        for (int i = 0; i < 2; i++)
        {
            using IHost host = TestHost.Build(Args(), SyntheticMnist.Create());
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            Assert.That(await host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(Args()), CancellationToken.None), Is.EqualTo(ExitCodes.Success));
        }

        string[] models = [.. Directory.GetDirectories(_dir.Path).Select(run => Path.Combine(run, "model.snm"))];
        Assert.That(models, Has.Length.EqualTo(2));
        ScratchNet.Models.SavedModel first = ScratchNet.Models.ModelFile.Load(models[0]);
        ScratchNet.Models.SavedModel second = ScratchNet.Models.ModelFile.Load(models[1]);

        Assert.That(ScratchNet.Models.WeightsDigest.Of(second.Tensors), Is.EqualTo(ScratchNet.Models.WeightsDigest.Of(first.Tensors)));
        second.Tensors[^1].Data[0] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(second.Tensors[^1].Data[0]) ^ 1);
        Assert.That(ScratchNet.Models.WeightsDigest.Of(second.Tensors), Is.Not.EqualTo(ScratchNet.Models.WeightsDigest.Of(first.Tensors)), "one bit of one weight");
    }

    [Test]
    public async Task ASessionKilledOutright_IsRecordedAsLost_ByTheSessionThatTakesOverTheRun()
    {
        using (var stop = new CancellationTokenSource())
        using (IHost first = TestHost.Build(Args(), SyntheticMnist.Create(), services => services.AddSingleton<ITrainingCallback>(new StopAfterBatch(stop, 1, 2))))
        {
            first.Services.GetRequiredService<IStartupValidator>().Validate();
            Assert.CatchAsync<TrainingInterruptedException>(() => first.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(Args()), stop.Token));
        }

        // What kill -9 leaves: the run and its session still "running", no end, no resume point recorded.
        string run = Directory.GetDirectories(_dir.Path).Single();
        RunStatus killed = RunStatus.TryRead(run)!;
        killed.State = RunStatus.Running;
        killed.Sessions[0].State = RunStatus.Running;
        (killed.Sessions[0].Ended, killed.Sessions[0].ResumePoint) = (null, null);
        killed.Write(run);

        string[] resume = Args("--resume", run);
        using (IHost host = TestHost.Build(resume, SyntheticMnist.Create()))
        {
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            Assert.That(await host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(resume), CancellationToken.None), Is.EqualTo(ExitCodes.Success));
        }

        RunStatus status = RunStatus.TryRead(run)!;
        Assert.That(status.Sessions.Select(s => s.State), Is.EqualTo(new[] { RunStatus.Lost, RunStatus.Finished }));
        Assert.That(status.Sessions[0].Ended, Is.Null, "when it died is not known");
        Assert.That(status.State, Is.EqualTo(RunStatus.Finished));
    }

    [Test]
    public async Task AStopAfterTheLastBatch_IsAnsweredWithoutAPromiseOfAResumePoint_AndTheRunFinishes()
    {
        // Ctrl+C while the model and reports are written (after "Saved the model"): no batch is left to stop at.
        (int exitCode, string log) = await TrainStoppedBy((sp, stop) => new StopWhenTrainingEnds(sp, stop));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), "the run finished: its model and reports are complete");
        Assert.That(log, Does.Contain("Stopping ({Signal}): {WhatHappens}").And.Contain("training has finished; the model and reports being written are finished first, then it exits"));
        Assert.That(log, Does.Not.Contain("saves a resume point"));
    }

    [Test]
    public async Task AStopAfterTheLastBatchButBeforeTheLastEvaluation_SaysTheRunEndsAsItWould_AndItFinishes()
    {
        (int exitCode, string log) = await TrainStoppedBy((sp, stop) => new StopAfterTheLastBatch(sp, stop));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), "no batch was left to stop at");
        Assert.That(log, Does.Contain("training has run its last batch; its last evaluation, the model and the reports are finished first, then it exits"));
        Assert.That(log, Does.Not.Contain("saves a resume point"));
    }

    [Test]
    public async Task AStopDuringAnEpochThatEarlyStoppingThenEnds_SaysAfterwardsThatNoResumePointWasSaved()
    {
        // MinDelta no epoch beats: epoch 1 stays the best, and with patience 1 early stopping ends the run after epoch 2.
        string[] stopping = ["--EarlyStopping:Enabled=true", "--EarlyStopping:Patience=1", "--EarlyStopping:MinDelta=100"];
        (int exitCode, string log) = await TrainStoppedBy((sp, stop) => new StopAfterTheLastBatch(sp, stop, epoch: 2), stopping);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), "early stopping ended training before the stop could");
        Assert.That(log, Does.Contain("training ends at the next batch and saves a resume point"), "the answer at the time");
        Assert.That(log, Does.Contain("The stop came too late to interrupt: training ended on its own at epoch {Epoch} (early stopping)"));
        Assert.That(Directory.GetFiles(_dir.Path, "model.snm", SearchOption.AllDirectories), Has.Length.EqualTo(1));
    }

    /// <summary>Trains with a callback that stops the run as Ctrl+C does; the exit code and the run's log.</summary>
    private async Task<(int ExitCode, string Log)> TrainStoppedBy(Func<IServiceProvider, CancellationTokenSource, ITrainingCallback> stopper, params string[] extra)
    {
        using var stop = new CancellationTokenSource();
        int exitCode;
        using (IHost host = TestHost.Build(Args(extra), SyntheticMnist.Create(), services => services.AddSingleton(sp => stopper(sp, stop))))
        {
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            exitCode = await host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(Args(extra)), stop.Token);
        }

        return (exitCode, File.ReadAllText(Directory.GetFiles(_dir.Path, "log.clef", SearchOption.AllDirectories).Single()));
    }

    [Test]
    public void AWriteThatFailsBeforeTheFirstBatchOfANewRun_KeepsNoResumePoint_AndPromisesNoFolder()
    {
        using IHost host = TestHost.Build(Args(), SyntheticMnist.Create(), services => services.AddSingleton<ITrainingCallback>(new FailWriteAtStart(_dir.Path)));
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        Exception error = Assert.CatchAsync(() => host.Services.GetRequiredKeyedService<ICommand>("train").RunAsync(CommandLine.Parse(Args()), CancellationToken.None))!;

        Failure failure = Failure.From(error);
        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.OutputFailed), failure.Message);
        Assert.That(failure.Message, Does.Contain("Training had not begun, so nothing was lost: fix the folder's permissions, then train again.").And.Not.Contain("--resume"));
        Assert.That(Directory.GetFileSystemEntries(_dir.Path), Is.Empty, "the run folder the line would have promised is removed");
    }

    /// <summary>A write that fails as the run starts, before its first batch (TensorBoard's first file, say).</summary>
    private sealed class FailWriteAtStart(string folder) : ITrainingCallback
    {
        public void OnTrainBegin(TrainingContext context) =>
            throw new ScratchNet.Files.FileWriteException(Path.Combine(folder, "tensorboard"), "permission denied", new UnauthorizedAccessException(), remedy: "fix the folder's permissions");
    }

    /// <summary>Stops the run right after one batch, as Ctrl+C there does.</summary>
    private sealed class StopAfterBatch(CancellationTokenSource stop, int epoch, int batch) : ITrainingCallback
    {
        public void OnBatchEnd(TrainingContext context, int at, int done, float loss)
        {
            if (at == epoch && done == batch)
            {
                stop.Cancel();
            }
        }
    }

    /// <summary>Stops the run right after an epoch's last batch (by default the last epoch's), while the trainer has yet to evaluate it.</summary>
    private sealed class StopAfterTheLastBatch(IServiceProvider services, CancellationTokenSource stop, int? epoch = null) : ITrainingCallback
    {
        public void OnBatchEnd(TrainingContext context, int at, int batch, float loss)
        {
            if (at == (epoch ?? context.Epochs) && batch == context.BatchesPerEpoch - 1)
            {
                services.GetServices<IHostedService>().OfType<StopSignals>().Single().Acknowledge("Ctrl+C");
                stop.Cancel();
            }
        }
    }

    /// <summary>Stops the run once training has ended (the callbacks' order puts this after <see cref="TrainingRun"/>'s).</summary>
    private sealed class StopWhenTrainingEnds(IServiceProvider services, CancellationTokenSource stop) : ITrainingCallback
    {
        public void OnTrainEnd(TrainingContext context, TrainingResult result)
        {
            services.GetServices<IHostedService>().OfType<StopSignals>().Single().Acknowledge("Ctrl+C");
            stop.Cancel();
        }
    }

    [Test]
    public async Task TheSameSeedAndConfigurationGiveABitIdenticalHistoryAcrossRuns()
    {
        async Task<long[]> RunOnce()
        {
            using IHost host = TestHost.Build(Args("--Training:Seed=11"), SyntheticMnist.Create());
            TrainingResult r = await ((TrainCommand)host.Services.GetRequiredKeyedService<ICommand>("train")).TrainAsync(CancellationToken.None);
            return [.. r.History.SelectMany(h => new[] { h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy }).Select(BitConverter.DoubleToInt64Bits)];
        }

        long[] first = await RunOnce();
        long[] second = await RunOnce();

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task ADifferentSeedGivesADifferentHistory()
    {
        // Guards the determinism test above against a history that ignores the seed altogether.
        async Task<double> FirstLoss(int seed)
        {
            using IHost host = TestHost.Build(Args($"--Training:Seed={seed}"), SyntheticMnist.Create());
            TrainingResult r = await ((TrainCommand)host.Services.GetRequiredKeyedService<ICommand>("train")).TrainAsync(CancellationToken.None);
            return r.History[0].TrainLoss;
        }

        Assert.That(await FirstLoss(1), Is.Not.EqualTo(await FirstLoss(2)));
    }

    [Test]
    public void TheOptionsTheCommandRunsWithComeFromTheCommandLine()
    {
        using IHost host = TestHost.Build(Args(), SyntheticMnist.Create());

        Assert.That(host.Services.GetRequiredService<IOptions<Training.Options.TrainingOptions>>().Value.Epochs, Is.EqualTo(3));
        Assert.That(host.Services.GetRequiredService<IOptions<Training.Options.ModelOptions>>().Value.LayerSizes, Is.EqualTo("784,32,10"));
    }
}
