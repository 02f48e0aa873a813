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
    private static DashboardCallback Callback(LiveFeed feed, bool enabled = true) =>
        new(feed, Microsoft.Extensions.Options.Options.Create(new DashboardOptions { Enabled = enabled, LossEveryBatches = 5, StatisticsEveryBatches = 4 }));

    private static async Task<(TrainingResult Result, List<SentEvent> Events)> Train(bool enabled, int epochs = 3)
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        Dataset dataset = TrainingRig.Images();
        TrainingResult result = await TrainingRig.Trainer(dataset, [Callback(feed, enabled)], epochs).TrainAsync();
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        var events = new List<SentEvent>();
        await foreach (SentEvent e in subscription.Updates.ReadAllAsync())
        {
            events.Add(e);
        }

        return (result, events);
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
        (TrainingResult result, List<SentEvent> events) = await Train(enabled: true, epochs: 2);
        ILookup<string, JsonElement> byType = events.ToLookup(e => e.Type, e => JsonDocument.Parse(e.Json).RootElement);

        Assert.That(events[0].Type, Is.EqualTo("run"));
        Assert.That(events[^1].Type, Is.EqualTo("end"));
        Assert.That(byType["end"].Single().GetProperty("outcome").GetString(), Is.EqualTo("finished"));
        Assert.That(byType["epoch"].Select(e => e.GetProperty("validationAccuracy").GetDouble()), Is.EqualTo(result.History.Select(h => h.ValidationAccuracy)));

        // 15 batches an epoch (240 rows of 16): a point every 5, so 3 an epoch, the last one at the epoch's end.
        Assert.That(byType["batch"].Select(b => b.GetProperty("step").GetInt64()), Is.EqualTo(new long[] { 5, 10, 15, 20, 25, 30 }));
        Assert.That(byType["batch"].Last().GetProperty("etaSeconds").GetDouble(), Is.EqualTo(0));
        Assert.That(byType["batch"].First().GetProperty("etaSeconds").GetDouble(), Is.GreaterThan(0));

        // Statistics every 4 batches: the copy at batch 3, the measurement at batch 4, and so on.
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
    public async Task ADivergedRunEndsTheStreamSayingSo()
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription subscription = feed.Subscribe();

        // Divergence, made deterministic: a weight turns NaN as epoch 2 begins, and the guard stops the run as the host's does.
        var saboteur = new Mock<ITrainingCallback>();
        saboteur.Setup(c => c.OnEpochBegin(It.IsAny<TrainingContext>(), 2))
            .Callback((TrainingContext c, int _) => c.Network.Parameters[0].Value[5] = float.NaN);
        Assert.ThrowsAsync<TrainingDivergedException>(() =>
            TrainingRig.Trainer(TrainingRig.Images(), [Callback(feed), saboteur.Object, new NonFiniteLossGuard()], epochs: 3).TrainAsync());
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        List<SentEvent> events = [.. subscription.Updates.ReadAllAsync().ToBlockingEnumerable()];
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

        await TrainingRig.Trainer(TrainingRig.Images(), [Callback(feed)], epochs: 1, layers: ["conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 3"]).TrainAsync();
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        SentEvent run = subscription.Updates.ReadAllAsync().ToBlockingEnumerable().First(e => e.Type == "run");

        Assert.That(JsonDocument.Parse(run.Json).RootElement.GetProperty("network").GetString(), Is.EqualTo("conv 4 3x3 pad 1 → relu → maxpool 2 → flatten → dense 3"));
    }

    [Test]
    public async Task AConvolutionalRunShowsFeatureMapShapesAndItsFirstFilters()
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription subscription = feed.Subscribe();

        await TrainingRig.Trainer(TrainingRig.Images(), [Callback(feed)], epochs: 1, layers: ["conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 3"]).TrainAsync();
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        List<SentEvent> events = [.. subscription.Updates.ReadAllAsync().ToBlockingEnumerable()];
        JsonElement run = JsonDocument.Parse(events.First(e => e.Type == "run").Json).RootElement;
        JsonElement weights = JsonDocument.Parse(events.Last(e => e.Type == "weights").Json).RootElement;

        Assert.That(run.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("kind").GetString()), Is.EqualTo(new[] { "conv2d", "activation", "maxpool", "flatten", "dense" }));
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
        Dataset dataset = TrainingRig.Images();

        // One epoch at a tiny rate leaves mistakes to show.
        await TrainingRig.Trainer(dataset, [Callback(feed)], epochs: 1, learningRate: 1e-5f).TrainAsync();
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        SentEvent mistakes = subscription.Replay.Concat(subscription.Updates.ReadAllAsync().ToBlockingEnumerable()).Last(e => e.Type == "mistakes");
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
