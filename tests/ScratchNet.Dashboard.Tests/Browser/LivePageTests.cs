using Microsoft.Playwright;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Tests.Support;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using static Microsoft.Playwright.Assertions;

namespace ScratchNet.Dashboard.Tests.Browser;

public sealed class LivePageTests : BrowserTest
{
    /// <summary>Holds training after each epoch until the test has looked at the page, so each epoch can be checked in turn.</summary>
    private sealed class Lockstep : ITrainingCallback
    {
        public SemaphoreSlim EpochDone { get; } = new(0);

        public SemaphoreSlim Proceed { get; } = new(0);

        public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            EpochDone.Release();
            if (!Proceed.Wait(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException("the test never let training go on");
            }
        }
    }

    [Test]
    public async Task TheChartsGainAPointEachEpochAndAPageOpenedMidRunGetsTheHistory()
    {
        const int Epochs = 4;
        using var temp = new TempDirectory();
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")), feed);
        IPage page = await Open(new Uri(url, "#live"));
        var dashboard = new DashboardCallback(feed, Microsoft.Extensions.Options.Options.Create(new DashboardOptions { Enabled = true, LossEveryBatches = 3, StatisticsEveryBatches = 5 }));
        var lockstep = new Lockstep();
        Task training = Task.Run(() => TrainingRig.Trainer(TrainingRig.Images(), [dashboard, lockstep], Epochs).TrainAsync());

        IPage? late = null;
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            Assert.That(await lockstep.EpochDone.WaitAsync(TimeSpan.FromSeconds(60)), Is.True, $"epoch {epoch} did not end");
            await Expect(page.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", epoch.ToString());
            await Expect(page.Locator("#chart-accuracy")).ToHaveAttributeAsync("data-points", epoch.ToString());
            await Expect(page.Locator("#chart-batch")).ToHaveAttributeAsync("data-points", (epoch * 5).ToString());
            await Expect(page.Locator("#fact-epoch")).ToHaveTextAsync($"{epoch} / {Epochs}");
            if (epoch == 2)
            {
                late = await Open(new Uri(url, "#live"));
                await Expect(late.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", "2");
                await Expect(late.Locator("#confusion-caption")).ToContainTextAsync("after epoch 2");
                await Expect(late.Locator("#weights-caption")).ToContainTextAsync("after epoch 2");
            }

            lockstep.Proceed.Release();
        }

        await training;
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Training finished: 4 epochs");
        await Expect(page.Locator("#table-parameters tbody tr")).ToHaveCountAsync(4);
        await Expect(page.Locator("#table-activations tbody tr")).ToHaveCountAsync(1);
        await Expect(late!.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", Epochs.ToString());
        await Screenshot(page, "live");
        Assert.That(PageErrors[page], Is.Empty);
    }

    [Test]
    public async Task APageLeftOpenMovesToTheRunWhenItStartsSaysWhenItIsLostAndStartsOverForTheNextRunOnThatPort()
    {
        using var temp = new TempDirectory();
        var sources = new DashboardSources(temp.Combine("runs"));
        var first = new LiveFeed();
        Uri url = await Serve(sources, first);

        // Opened before any run reports, without choosing a view: the runs view, until the run begins.
        IPage page = await Open(url);
        await Expect(page.Locator("#view-runs")).ToBeVisibleAsync();
        Publish(first, Run(epochs: 10), Epoch(1, 0.41), Epoch(2, 0.39), Epoch(3, 0.35));
        await Expect(page.Locator("#view-live")).ToBeVisibleAsync();
        await Expect(page.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", "3");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Training 784-12-3 (");

        // The process ends without an end event (killed, crashed): the page says so and stops the clock.
        await StopServing();
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Lost the connection to the training process");
        await Expect(page.Locator("#fact-eta")).ToHaveTextAsync("–");

        // The next run on the same port numbers its updates from 1 again: the page shows it alone, from its first epoch.
        var second = new LiveFeed();
        await Serve(sources, second, url.Port);
        Publish(second, Run(epochs: 8), Epoch(1, 0.9), Epoch(2, 0.8));
        await Expect(page.Locator("#fact-epoch")).ToHaveTextAsync("2 / 8");
        await Expect(page.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", "2");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("for 8 epochs");
        Assert.That(await page.EvaluateAsync<double>("() => Number(document.querySelector('#chart-loss').dataset.points)"), Is.EqualTo(2));

        // A diverged run ends with the log's line, and no ETA.
        const string Diverged = "Training diverged: the loss is NaN at epoch 3, batch 7; lower Optimizer:LearningRate (now 3), e.g. to 0.3. The best checkpoint so far is kept.";
        Publish(second, new LiveEvent(LiveEventTypes.End, new RunEnd(RunOutcomes.Diverged, 2, null, null, Diverged)));
        await Expect(page.Locator("#live-status")).ToHaveTextAsync(Diverged);
        await Expect(page.Locator("#fact-eta")).ToHaveTextAsync("–");
        Assert.That(PageErrors[page], Is.Empty);
    }

    private static void Publish(LiveFeed feed, params LiveEvent[] events)
    {
        foreach (LiveEvent e in events)
        {
            Assert.That(feed.Publish(e), Is.True);
        }
    }

    private static LiveEvent Run(int epochs) => new(LiveEventTypes.Run, new RunInfo(
        epochs, 1, 15, 240, 60, "validation", ["top", "middle", "bottom"], [], 9_459, "784-12-3"));

    private static LiveEvent Epoch(int epoch, double loss) => new(LiveEventTypes.Epoch, new EpochPoint(epoch, loss, 0.8, loss * 1.1, 0.8, 0.05, 0.2, 0.05, 30));
}
