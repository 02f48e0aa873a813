using System.Text.Json;
using Microsoft.Extensions.Options;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Tests.Support;
using Moq;
using ScratchNet.Data;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;

namespace ScratchNet.Dashboard.Tests.Live;

public sealed class DashboardCallbackTests
{
    private static DashboardCallback Callback(LiveFeed feed, bool enabled = true, DashboardOptions? options = null) =>
        new(feed, Microsoft.Extensions.Options.Options.Create(options ?? new DashboardOptions { Enabled = enabled, LossEveryBatches = 5, StatisticsEveryBatches = 4 }));

    /// <param name="trainRows">Rows of 16 a batch: 240 make 15 batches an epoch, 800 make 50.</param>
    private static async Task<(TrainingResult Result, List<SentEvent> Events)> Train(
        bool enabled, int epochs = 3, int trainRows = 240, DashboardOptions? options = null, params ITrainingCallback[] others)
    {
        // Every picture, however short the epoch: what the callback sends, not how often the feed passes it on.
        var feed = new LiveFeed(TimeSpan.Zero);
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        Task<List<SentEvent>> page = subscription.ReadAsPage();
        Dataset dataset = TrainingRig.Images(trainRows);
        TrainingResult result = await TrainingRig.Trainer(dataset, [Callback(feed, enabled, options), .. others], epochs).TrainAsync();
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        return (result, await page);
    }

    [Test]
    public async Task TrainingGivesTheSameNumbersWithTheDashboardOnAndOff()
    {
        (TrainingResult on, List<SentEvent> events) = await Train(enabled: true);
        (TrainingResult off, List<SentEvent> none) = await Train(enabled: false);

        Assert.That(events, Is.Not.Empty);
        Assert.That(none, Is.Empty);
        Assert.That(on.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy, h.TrainAccuracy)),
            Is.EqualTo(off.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy, h.TrainAccuracy))));
        Assert.That(on.Network.Parameters.Select(p => p.Value), Is.EqualTo(off.Network.Parameters.Select(p => p.Value)));
    }

    [Test]
    public async Task ARunReportsItsEpochsCurvesStatisticsAndPictures()
    {
        (TrainingResult result, List<SentEvent> events) = await Train(enabled: true, epochs: 2, trainRows: 800);
        ILookup<string, JsonElement> byType = events.ToLookup(e => e.Type, e => JsonDocument.Parse(e.Json).RootElement);

        Assert.That(events[0].Type, Is.EqualTo("run"));
        Assert.That(events[^1].Type, Is.EqualTo("end"));
        Assert.That(byType["end"].Single().GetProperty("outcome").GetString(), Is.EqualTo("finished"));
        Assert.That(byType["epoch"].Select(e => e.GetProperty("validationAccuracy").GetDouble()), Is.EqualTo(result.History.Select(h => h.ValidationAccuracy)));

        // 50 batches an epoch (800 rows of 16): a point every 5, so 10 an epoch.
        Assert.That(byType["batch"].Select(b => b.GetProperty("step").GetInt64()), Is.EqualTo(Enumerable.Range(1, 20).Select(i => 5L * i)));
        Assert.That(byType["batch"].Last().GetProperty("etaSeconds").GetDouble(), Is.EqualTo(0));
        Assert.That(byType["batch"].First().GetProperty("etaSeconds").GetDouble(), Is.GreaterThan(0));

        // Statistics every 4 steps of the run: the copy at step 3, the measurement at step 4, and so on, evenly across
        // the epoch boundary (step 52, not 54 as a count restarted each epoch would give).
        Assert.That(byType["layers"].Select(l => l.GetProperty("step").GetInt64()), Is.EqualTo(Enumerable.Range(1, 25).Select(i => 4L * i)));
        JsonElement layers = byType["layers"].First();
        Assert.That(layers.GetProperty("step").GetInt64(), Is.EqualTo(4));
        Assert.That(layers.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("parameter").GetString()),
            Is.EqualTo(new[] { "dense0.weight", "dense0.bias", "dense1.weight", "dense1.bias" }));
        double ratio = layers.GetProperty("parameters")[0].GetProperty("updateRatio").GetDouble();
        Assert.That(ratio, Is.GreaterThan(1e-6).And.LessThan(1));

        JsonElement confusion = byType["confusion"].Last();
        Assert.That(confusion.GetProperty("counts").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt64())), Is.EqualTo(60));

        JsonElement weights = byType["weights"].Last();
        Assert.That(weights.GetProperty("side").GetInt32(), Is.EqualTo(28));
        Assert.That(weights.GetProperty("kind").GetString(), Is.EqualTo("dense"));
        Assert.That(Convert.FromBase64String(weights.GetProperty("data").GetString()!), Has.Length.EqualTo(12 * 784));
        Assert.That(byType["weights"].Select(w => w.GetProperty("epoch").GetInt32()), Is.EqualTo(new[] { 0, 1, 2 }), "the initial weights, then after each epoch");

        // Tile j holds column j of W (784, 12), scaled so its largest |w| is 127.
        sbyte[] tiles = [.. Convert.FromBase64String(weights.GetProperty("data").GetString()!).Select(b => (sbyte)b)];
        float[] w = result.Network.Parameters[0].Value;
        for (int j = 0; j < 12; j++)
        {
            float scale = weights.GetProperty("scales")[j].GetSingle();
            Assert.That(scale, Is.EqualTo(Enumerable.Range(0, 784).Max(k => Math.Abs(w[(k * 12) + j]))));
            Assert.That(Enumerable.Range(0, 784).Select(k => tiles[(j * 784) + k] * scale / 127f), Is.EqualTo(Enumerable.Range(0, 784).Select(k => w[(k * 12) + j])).Within(scale / 127f));
        }

        JsonElement activations = byType["activations"].Last();
        Assert.That(activations.GetProperty("layers")[0].GetProperty("units").GetInt32(), Is.EqualTo(12));
        Assert.That(activations.GetProperty("probeRows").GetInt32(), Is.EqualTo(60));
    }

    [Test]
    public async Task AnEpochShorterThanTheConfiguredIntervalsStillGetsAboutTenLossPointsAndTwoMeasurements()
    {
        // The defaults (a point every 50 batches, statistics every 500) on 47 batches an epoch (752 rows of 16), as the
        // README's quick try has: capped to ⌊47/10⌋ = 4 and ⌊47/2⌋ = 23, counted over the run.
        (_, List<SentEvent> events) = await Train(enabled: true, epochs: 2, trainRows: 752, options: new DashboardOptions { Enabled = true });
        ILookup<string, JsonElement> byType = events.ToLookup(e => e.Type, e => JsonDocument.Parse(e.Json).RootElement);

        JsonElement run = byType["run"].Single();
        Assert.That((run.GetProperty("lossEveryBatches").GetInt32(), run.GetProperty("statisticsEveryBatches").GetInt32()), Is.EqualTo((4, 23)));
        Assert.That(byType["batch"].Select(b => b.GetProperty("step").GetInt64()), Is.EqualTo(Enumerable.Range(1, 23).Select(i => 4L * i).Append(94)), "the run's last step closes the curve");
        Assert.That(byType["layers"].Select(l => l.GetProperty("step").GetInt64()), Is.EqualTo(new long[] { 23, 46, 69, 92 }));
        Assert.That(byType["layers"].Last().GetProperty("parameters")[0].GetProperty("updateRatio").GetDouble(), Is.GreaterThan(0));
    }

    [Test]
    public async Task SamplesPerSecondCountsTrainingTimeOnly_NotTheEvaluationBetweenEpochs()
    {
        // A slow epoch end (evaluation and reports, made 1 s long here) between two epochs of 15 one-batch points: no
        // point's interval may include it. 16 rows in 0.5 s would be 32 samples/s; one tiny batch takes far less.
        var slow = new Mock<ITrainingCallback>();
        slow.Setup(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.IsAny<EpochMetrics>())).Callback(() => Thread.Sleep(1000));
        (_, List<SentEvent> events) = await Train(enabled: true, epochs: 2, others: slow.Object);
        double[] speeds = [.. events.Where(e => e.Type == "batch").Select(e => JsonDocument.Parse(e.Json).RootElement.GetProperty("samplesPerSecond").GetDouble())];

        Assert.That(speeds, Has.Length.EqualTo(30));
        Assert.That(speeds, Is.All.GreaterThan(32), string.Join(", ", speeds));
    }

    [Test]
    public async Task ARunStoppedEarlyBetweenTwoPointsStillShowsItsLastBatches()
    {
        // 21 batches an epoch (336 rows of 16): a point every 2 steps, so epoch 1 ends on step 21 with one batch unshown.
        // The stop takes 1 s (as an epoch's end can), which that batch's samples/s must not include.
        var stop = new Mock<ITrainingCallback>();
        stop.Setup(c => c.OnEpochEnd(It.IsAny<TrainingContext>(), It.IsAny<EpochMetrics>())).Callback((TrainingContext c, EpochMetrics _) =>
        {
            Thread.Sleep(1000);
            c.StopRequested = true;
        });
        (_, List<SentEvent> events) = await Train(enabled: true, epochs: 3, trainRows: 336, options: new DashboardOptions { Enabled = true }, others: stop.Object);
        JsonElement[] points = [.. events.Where(e => e.Type == "batch").Select(e => JsonDocument.Parse(e.Json).RootElement)];

        Assert.That(points.Select(p => p.GetProperty("step").GetInt64()), Is.EqualTo(Enumerable.Range(1, 10).Select(i => 2L * i).Append(21)));
        Assert.That(points[^1].GetProperty("samplesPerSecond").GetDouble(), Is.GreaterThan(32));
        Assert.That(events[^1].Type, Is.EqualTo("end"));
    }

    [TestCase(1750, 50, 500, TestName = "The reference recipe's 1,750 batches keep the configured 50 and 500")]
    [TestCase(938, 50, 469, TestName = "938 batches (fast, cnn) measure twice an epoch")]
    [TestCase(188, 18, 94, TestName = "188 batches get a point every 18 and a measurement every 94")]
    [TestCase(47, 4, 23, TestName = "47 batches (the quick try) get a point every 4 and a measurement every 23")]
    [TestCase(1, 1, 2, TestName = "One batch an epoch: a point every step, a measurement every 2")]
    public void TheIntervalsAreCappedByTheEpochsLength(int batchesPerEpoch, int loss, int statistics)
    {
        ReportingIntervals every = ReportingIntervals.For(new DashboardOptions(), batchesPerEpoch);

        Assert.That((every.LossEvery, every.StatisticsEvery), Is.EqualTo((loss, statistics)));
    }

    // The console's closing line names the runs folder; the end event carries the same command, so the page need not
    // have asked for it in time (retest X5).
    [Test]
    public async Task TheEndCarriesTheCommandThatBrowsesTheRun()
    {
        var feed = new LiveFeed(TimeSpan.Zero);
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        Task<List<SentEvent>> page = subscription.ReadAsPage();
        var sources = new DashboardSources("my runs") { DefaultRunsDirectory = false };
        var callback = new DashboardCallback(feed, Microsoft.Extensions.Options.Options.Create(new DashboardOptions { Enabled = true }), sources);

        await TrainingRig.Trainer(TrainingRig.Images(), [callback], epochs: 1).TrainAsync();
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        JsonElement end = JsonDocument.Parse((await page).Single(e => e.Type == "end").Json).RootElement;

        Assert.That(end.GetProperty("browse").GetString(), Is.EqualTo("serve --runs 'my runs'"));
    }

    [Test]
    public async Task ADivergedRunEndsTheStreamSayingSo()
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        Task<List<SentEvent>> page = subscription.ReadAsPage();

        // Divergence, made deterministic: a weight turns NaN as epoch 2 begins, and the guard stops the run as the host's does.
        var saboteur = new Mock<ITrainingCallback>();
        saboteur.Setup(c => c.OnEpochBegin(It.IsAny<TrainingContext>(), 2))
            .Callback((TrainingContext c, int _) => c.Network.Parameters[0].Value[5] = float.NaN);
        Assert.ThrowsAsync<TrainingDivergedException>(() =>
            TrainingRig.Trainer(TrainingRig.Images(), [Callback(feed), saboteur.Object, new NonFiniteLossGuard()], epochs: 3).TrainAsync());
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        List<SentEvent> events = await page;
        JsonElement end = JsonDocument.Parse(events[^1].Json).RootElement;

        Assert.That(events[^1].Type, Is.EqualTo("end"));
        Assert.That(end.GetProperty("outcome").GetString(), Is.EqualTo("diverged"));
        Assert.That(end.GetProperty("message").GetString(), Does.StartWith("Training diverged: the loss is NaN at epoch 2, batch 0"));
        Assert.That(end.GetProperty("epochs").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task TheRunEventNamesTheNetworkAsTheLogDoes()
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        Task<List<SentEvent>> page = subscription.ReadAsPage();

        await TrainingRig.Trainer(TrainingRig.Images(), [Callback(feed)], epochs: 1, layers: ["conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 3"]).TrainAsync();
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        SentEvent run = (await page).First(e => e.Type == "run");

        Assert.That(JsonDocument.Parse(run.Json).RootElement.GetProperty("network").GetString(), Is.EqualTo("conv 4 3x3 pad 1 → relu → maxpool 2 → flatten → dense 3"));
    }

    [Test]
    public async Task AConvolutionalRunShowsFeatureMapShapesAndItsFirstFilters()
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        Task<List<SentEvent>> page = subscription.ReadAsPage();

        await TrainingRig.Trainer(TrainingRig.Images(), [Callback(feed)], epochs: 1, layers: ["conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 3"]).TrainAsync();
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        List<SentEvent> events = await page;
        JsonElement run = JsonDocument.Parse(events.First(e => e.Type == "run").Json).RootElement;
        JsonElement weights = JsonDocument.Parse(events.Last(e => e.Type == "weights").Json).RootElement;

        Assert.That(run.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("kind").GetString()), Is.EqualTo(new[] { "conv", "activation", "maxpool", "flatten", "dense" }));
        Assert.That(run.GetProperty("layers")[0].GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 4, 28, 28 }));
        Assert.That(run.GetProperty("layers")[3].GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 4 * 14 * 14 }));
        Assert.That(weights.GetProperty("layer").GetString(), Is.EqualTo("conv0"));
        Assert.That(weights.GetProperty("side").GetInt32(), Is.EqualTo(3));
        Assert.That(weights.GetProperty("units").GetInt32(), Is.EqualTo(4), "4 output channels × 1 input channel");
        Assert.That(Convert.FromBase64String(weights.GetProperty("data").GetString()!), Has.Length.EqualTo(4 * 9));
    }

    [Test]
    public async Task TheWorstMistakesCarryTheirPixelsAndTheValidationPasssVerdict()
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        Task<List<SentEvent>> page = subscription.ReadAsPage();
        Dataset dataset = TrainingRig.Images();

        // One epoch at a tiny rate leaves mistakes to show.
        await TrainingRig.Trainer(dataset, [Callback(feed)], epochs: 1, learningRate: 1e-5f).TrainAsync();
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        SentEvent mistakes = subscription.Replay.Concat(await page).Last(e => e.Type == "mistakes");
        JsonElement root = JsonDocument.Parse(mistakes.Json).RootElement;
        JsonElement first = root.GetProperty("items")[0];
        Assert.That((root.GetProperty("height").GetInt32(), root.GetProperty("width").GetInt32()), Is.EqualTo((dataset.InputShape.Height, dataset.InputShape.Width)));

        int row = first.GetProperty("row").GetInt32();
        byte[] pixels = Convert.FromBase64String(first.GetProperty("pixels").GetString()!);
        float[] expected = dataset.Validation.ReadFeatures(row, 1, new float[784]).ToArray();
        Assert.That(first.GetProperty("label").GetInt32(), Is.EqualTo(dataset.Validation.Labels[row]));
        Assert.That(first.GetProperty("predicted").GetInt32(), Is.Not.EqualTo(dataset.Validation.Labels[row]));
        Assert.That(pixels.Select(b => b / 255f), Is.EqualTo(expected).Within(0.5f / 255f));
    }
}
