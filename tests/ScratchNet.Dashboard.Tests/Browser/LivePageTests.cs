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
}
