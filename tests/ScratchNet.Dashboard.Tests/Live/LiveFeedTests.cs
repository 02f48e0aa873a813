using System.Text.Json;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Live;

public sealed class LiveFeedTests
{
    private static LiveEvent Point(int epoch) => new(LiveEventTypes.Epoch, new { epoch });

    [Test]
    public void Publish_NeverWaits_AndCountsWhatItDrops_WhenNothingReads()
    {
        var feed = new LiveFeed();

        int accepted = Enumerable.Range(0, 5000).Count(i => feed.Publish(Point(i)));

        Assert.That(accepted, Is.EqualTo(1024));
        Assert.That(feed.Dropped, Is.EqualTo(5000 - 1024));
    }

    [Test]
    public async Task ALateSubscriberGetsTheHistorySoFarThenWhatFollows()
    {
        var feed = new LiveFeed(TimeSpan.Zero);
        feed.Start();
        feed.Publish(new LiveEvent(LiveEventTypes.Run, new { epochs = 3 }));
        feed.Publish(Point(1));
        feed.Publish(new LiveEvent(LiveEventTypes.Weights, new { epoch = 1 }));
        feed.Publish(Point(2));
        feed.Publish(new LiveEvent(LiveEventTypes.Weights, new { epoch = 2 }));
        await WaitUntil(() => feed.HasRun && feed.Subscribe().Replay.Count == 4);

        using Subscription late = feed.Subscribe();
        feed.Publish(Point(3));
        await feed.CompleteAsync(TimeSpan.FromSeconds(5));
        List<SentEvent> after = [];
        await foreach (SentEvent e in late.Updates.ReadAllAsync())
        {
            after.Add(e);
        }

        Assert.That(late.Replay.Select(e => e.Type), Is.EqualTo(new[] { "run", "epoch", "epoch", "weights" }), "only the newest picture is replayed");
        Assert.That(JsonDocument.Parse(late.Replay[3].Json).RootElement.GetProperty("epoch").GetInt32(), Is.EqualTo(2));
        Assert.That(late.Replay.Select(e => e.Id), Is.Ordered.Ascending);
        Assert.That(after.Select(e => e.Json), Is.EqualTo(new[] { """{"epoch":3}""" }));
    }

    [Test]
    public async Task APageThatDoesNotReadKeepsOnlyItsNewestUpdatesAndHoldsNothingUp()
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription idle = feed.Subscribe();

        for (int i = 0; i < 3000; i++)
        {
            // The pump keeps draining the queue although the page never reads.
            while (!feed.Publish(Point(i)))
            {
                await Task.Delay(1);
            }
        }

        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        var kept = new List<SentEvent>();
        while (idle.Updates.TryRead(out SentEvent? e))
        {
            kept.Add(e);
        }

        Assert.That(kept, Has.Count.EqualTo(1024));
        Assert.That(kept[0].Json, Is.EqualTo("""{"epoch":1976}"""));
        Assert.That(kept[^1].Json, Is.EqualTo("""{"epoch":2999}"""));
    }

    [Test]
    public async Task PicturesGoOutAtMostOncePerInterval_TheNewestHeldBackGoesOutBeforeTheEnd()
    {
        var feed = new LiveFeed(TimeSpan.FromHours(1));
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        Task<List<SentEvent>> page = subscription.ReadAsPage();
        for (int epoch = 0; epoch < 10; epoch++)
        {
            feed.Publish(Point(epoch));
            feed.Publish(new LiveEvent(LiveEventTypes.Weights, new { epoch }));
            feed.Publish(new LiveEvent(LiveEventTypes.Mistakes, new { epoch }));
            feed.Publish(new LiveEvent(LiveEventTypes.Confusion, new { epoch }));
            if (epoch == 0)
            {
                // The page has read the first pictures (a page that is behind would get only the newest).
                await WaitUntil(() => Replayed(feed, "mistakes") && subscription.Updates.Count == 0);
            }
        }

        feed.Publish(new LiveEvent(LiveEventTypes.End, new { outcome = "finished" }));
        await feed.CompleteAsync(TimeSpan.FromSeconds(10));
        List<SentEvent> sent = await page;

        string[] Epochs(string type) => [.. sent.Where(e => e.Type == type).Select(e => e.Json)];
        Assert.That(Epochs("weights"), Is.EqualTo(new[] { """{"epoch":0}""", """{"epoch":9}""" }), "the first at once, the newest before the end");
        Assert.That(Epochs("mistakes"), Is.EqualTo(new[] { """{"epoch":0}""", """{"epoch":9}""" }));
        Assert.That(Epochs("confusion")[^1], Is.EqualTo("""{"epoch":9}"""), "the confusion matrix is small: not held back");
        Assert.That(Epochs("epoch"), Has.Length.EqualTo(10));
        Assert.That(sent[^1].Type, Is.EqualTo("end"));
    }

    [Test]
    public async Task APictureHeldBackGoesOutWhenItsIntervalHasPassed_WithoutWaitingForTheNextUpdate()
    {
        var feed = new LiveFeed(TimeSpan.FromMilliseconds(300));
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        var page = new List<SentEvent>();
        Task reading = Task.Run(async () =>
        {
            await foreach (SentEvent e in subscription.Updates.ReadAllAsync())
            {
                lock (page)
                {
                    page.Add(e);
                }
            }
        });
        feed.Publish(new LiveEvent(LiveEventTypes.Weights, new { epoch = 1 }));
        feed.Publish(new LiveEvent(LiveEventTypes.Weights, new { epoch = 2 }));

        await WaitUntil(() => { lock (page) { return page.Count == 2; } });
        Assert.That(page.Select(e => e.Json), Is.EqualTo(new[] { """{"epoch":1}""", """{"epoch":2}""" }));
        await feed.CompleteAsync(TimeSpan.FromSeconds(5));
        await reading;
    }

    [Test]
    public async Task APageThatIsBehindGetsOnlyTheNewestPicture_AndTheEndOvertakesThePicturesAndBatchPointsStillWaiting()
    {
        var feed = new LiveFeed(TimeSpan.FromMilliseconds(1));
        feed.Start();
        using Subscription slow = feed.Subscribe();
        for (int epoch = 1; epoch <= 50; epoch++)
        {
            // Epochs longer than the picture interval: the feed sends every picture, and the page's queue replaces them.
            await Task.Delay(5);
            feed.Publish(new LiveEvent(LiveEventTypes.Batch, new { epoch }));
            feed.Publish(Point(epoch));
            feed.Publish(new LiveEvent(LiveEventTypes.Weights, new { epoch }));
            feed.Publish(new LiveEvent(LiveEventTypes.Mistakes, new { epoch }));
        }

        await WaitUntil(() => slow.Updates.Count == 102);
        Assert.That(slow.Updates.Count, Is.EqualTo(102), "50 batch points, 50 epochs, and one weights and one mistakes picture, the newest");

        feed.Publish(new LiveEvent(LiveEventTypes.End, new { outcome = "finished" }));
        await feed.CompleteAsync(TimeSpan.FromSeconds(1));
        List<SentEvent> sent = [.. slow.Updates.ReadAllAsync().ToBlockingEnumerable()];

        Assert.That(sent.Select(e => e.Type).Distinct(), Is.EqualTo(new[] { "epoch", "end" }), "the pictures and batch points a page never read are dropped at the end");
        Assert.That(sent, Has.Count.EqualTo(51));
    }

    [Test]
    public async Task ANonFiniteNumberTravelsAsNull_AndAnUpdateThatCannotBeSerialisedStopsNothingAfterIt()
    {
        var feed = new LiveFeed();
        feed.Start();
        using Subscription subscription = feed.Subscribe();
        Task<List<SentEvent>> page = subscription.ReadAsPage();
        feed.Publish(new LiveEvent(LiveEventTypes.Batch, new { loss = double.NaN, rate = float.PositiveInfinity, eta = 3.5 }));
        feed.Publish(new LiveEvent(LiveEventTypes.Epoch, new { self = new Cycle() }));
        feed.Publish(Point(2));
        await feed.CompleteAsync(TimeSpan.FromSeconds(5));

        List<SentEvent> sent = await page;
        Assert.That(sent.Select(e => e.Json), Is.EqualTo(new[] { """{"loss":null,"rate":null,"eta":3.5}""", """{"epoch":2}""" }));
        Assert.That(feed.Unsendable, Is.EqualTo(1));
    }

    // 3,000 readers that never read took 1.5 GB of the training process: the feed serves a bounded number of pages.
    [Test]
    public void SubscribersAreCapped_AndAPageThatLeavesMakesRoomForAnother()
    {
        var feed = new LiveFeed();
        List<Subscription> pages = [.. Enumerable.Range(0, LiveFeed.MaxSubscribers).Select(_ => feed.TrySubscribe()!)];

        Assert.That(pages, Has.None.Null);
        Assert.That(feed.TrySubscribe(), Is.Null, "one more than the cap");
        Assert.That(() => feed.Subscribe(), Throws.InvalidOperationException.With.Message.Contains($"{LiveFeed.MaxSubscribers} subscribers"));

        pages[0].Dispose();
        using Subscription? next = feed.TrySubscribe();
        Assert.That(next, Is.Not.Null);
        pages.Skip(1).ToList().ForEach(p => p.Dispose());
    }

    [Test]
    public async Task ALongRunsReplay_KeepsEveryEpoch_AndThinsTheBatchPointsToTheBudget_EachTheMeanOfTheBatchesItCovers()
    {
        var feed = new LiveFeed(TimeSpan.Zero);
        feed.Start();
        await PublishAll(feed, new LiveEvent(LiveEventTypes.Run, new { epochs = 50 }));
        const int Points = 5000;
        const int PerEpoch = Points / 50;
        for (int step = 1; step <= Points; step++)
        {
            // A loss point's loss is its step: a merged point's must be the mean of the steps it covers.
            await PublishAll(feed, new LiveEvent(LiveEventTypes.Batch, new BatchPoint(1 + ((step - 1) / PerEpoch), step, step, step, 0.1, 100, 10)));
            await PublishAll(feed, new LiveEvent(LiveEventTypes.Layers, new LayerStatistics(1, step, step, [new ParameterPoint("dense0.weight", step, 1, 0.001)])));
            if (step % PerEpoch == 0)
            {
                await PublishAll(feed, Point(step / PerEpoch));
            }
        }

        await feed.CompleteAsync(TimeSpan.FromSeconds(30));
        using Subscription late = feed.Subscribe();

        JsonElement[] batches = [.. late.Replay.Where(e => e.Type == LiveEventTypes.Batch).Select(e => JsonDocument.Parse(e.Json).RootElement)];
        JsonElement[] layers = [.. late.Replay.Where(e => e.Type == LiveEventTypes.Layers).Select(e => JsonDocument.Parse(e.Json).RootElement)];
        Assert.That(late.Replay.Count(e => e.Type == LiveEventTypes.Epoch), Is.EqualTo(50), "every epoch");
        Assert.That(late.Replay.Select(e => e.Id), Is.Ordered.Ascending.And.Unique);
        Assert.That(batches, Has.Length.InRange(LiveFeed.ReplayPointBudget / 2, LiveFeed.ReplayPointBudget));
        Assert.That(layers, Has.Length.InRange(LiveFeed.ReplayMeasurementBudget / 2, LiveFeed.ReplayMeasurementBudget));
        long before = 0;
        foreach (JsonElement point in batches)
        {
            long step = point.GetProperty("step").GetInt64();
            Assert.That(point.GetProperty("loss").GetDouble(), Is.EqualTo((before + 1 + step) / 2.0), $"the point at step {step} covers steps {before + 1} to {step}");
            before = step;
        }

        Assert.That(before, Is.EqualTo(Points), "the newest point is the last one's");
        Assert.That(layers[^1].GetProperty("step").GetInt64(), Is.EqualTo(Points), "the statistics table shows the newest measurement");
    }

    // Publishes as fast as the pump takes updates: a full queue would drop them.
    private static async Task PublishAll(LiveFeed feed, LiveEvent update)
    {
        while (!feed.Publish(update))
        {
            await Task.Delay(1);
        }
    }

    [Test]
    public void EveryFeedHasItsOwnStream_SoAPageCanTellTwoProcessesApart()
    {
        Assert.That(new LiveFeed().Stream, Is.Not.EqualTo(new LiveFeed().Stream));
        Assert.That(new LiveFeed().Stream, Does.Match("^[0-9a-f]{12}$"));
    }

    // Serialising it never ends: the serialiser refuses it (depth limit), as it would refuse any payload bug.
    private sealed class Cycle
    {
        public Cycle Next => this;
    }

    private static bool Replayed(LiveFeed feed, string type)
    {
        using Subscription look = feed.Subscribe();
        return look.Replay.Any(e => e.Type == type);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True);
    }
}
