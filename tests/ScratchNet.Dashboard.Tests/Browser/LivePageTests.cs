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
    public async Task InServe_TheLiveViewSaysHowToWatchARun_NamesNoSet_AndSaysWhenTheServerStops()
    {
        using var temp = new TempDirectory();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")) { Serving = true });
        IPage page = await Open(new Uri(url, "#live"));

        // train --dashboard on serve's own port fails: the advice names another port.
        await Expect(page.Locator("#live-status")).ToContainTextAsync("train --dashboard --Dashboard:Port=5757 and open http://127.0.0.1:5757/");
        // With no run there is no set to name.
        await Expect(page.Locator("#view-live")).Not.ToContainTextAsync("validation");
        await Expect(page.Locator("#view-live")).ToContainTextAsync("held-out accuracy");

        // As a killed training is reported, so is a stopped serve.
        await StopServing();
        await Expect(page.Locator("#live-status")).ToContainTextAsync("The dashboard server stopped (serve was closed or killed)");
        Assert.That(PageErrors[page], Is.Empty);
    }

    // serve's page opened the live feed, which under serve never answered and held one of its 100 places for good
    // (probe-http U2): it now asks api/live now and then instead, and still says when the server stops and when it is back.
    [Test]
    public async Task InServe_ThePageOpensNoLiveFeed_YetSaysWhenTheServerStopsAndWhenItIsBack()
    {
        using var temp = new TempDirectory();
        var sources = new DashboardSources(temp.Combine("runs")) { Serving = true };
        Uri url = await Serve(sources);
        IBrowserContext context = await Browser.NewContextAsync();
        IPage page = await context.NewPageAsync();
        var asked = new List<string>();
        page.Request += (_, request) => asked.Add(new Uri(request.Url).AbsolutePath);
        await page.GotoAsync(new Uri(url, "#live").ToString());
        await Expect(page.Locator("#live-status")).ToContainTextAsync("serve shows saved runs");

        // Two more questions to api/live: the page has settled into watching, and never opened the feed.
        await page.WaitForRequestAsync(new Uri(url, "api/live").ToString());
        await page.WaitForRequestAsync(new Uri(url, "api/live").ToString());
        Assert.That(asked, Does.Not.Contain("/api/live/events"));

        await StopServing();
        await Expect(page.Locator("#live-status")).ToContainTextAsync("The dashboard server stopped (serve was closed or killed)");
        await Serve(sources, port: url.Port);
        await Expect(page.Locator("#live-status")).ToContainTextAsync("serve shows saved runs");
        await Expect(page).ToHaveTitleAsync("ScratchNet dashboard");
        Assert.That(asked, Does.Not.Contain("/api/live/events"));
    }

    [Test]
    public async Task ACnnsFilterTilesStandApart_EvenWhereTheirWeightsAreNearZero()
    {
        using var temp = new TempDirectory();
        IPage page = await Open(new Uri(await Serve(new DashboardSources(temp.Combine("runs"))), "#live"));

        // Sixteen 3 × 3 filters of zero weights (white): the pixel just right of the first tile is the ground, not white.
        int[] between = await page.EvaluateAsync<int[]>("""
            () => {
              const canvas = document.getElementById('live-weights');
              const data = btoa(String.fromCharCode(...new Uint8Array(16 * 9)));
              SN.drawWeightTiles(canvas, { side: 3, inputs: 9, units: 16, data });
              const zoom = Math.max(2, Math.floor(56 / 3));
              const inTile = Array.from(canvas.getContext('2d').getImageData(1, 1, 1, 1).data.slice(0, 3));
              const gap = Array.from(canvas.getContext('2d').getImageData(3 * zoom + 1, 1, 1, 1).data.slice(0, 3));
              return [...inTile, ...gap];
            }
            """);

        Assert.That(between[..3], Is.EqualTo(new[] { 255, 255, 255 }), "a zero weight is white");
        Assert.That(between[3..], Is.Not.EqualTo(new[] { 255, 255, 255 }), "the gap between two white tiles is white too: they run together");
        Assert.That(PageErrors[page], Is.Empty);
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
            // Two x values an epoch: the train mean mid-epoch, the held-out figure at its end. 15 batches an epoch cap the
            // loss points' interval at one batch (a tenth of an epoch, rounded down).
            await Expect(page.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", (2 * epoch).ToString());
            await Expect(page.Locator("#chart-accuracy")).ToHaveAttributeAsync("data-points", (2 * epoch).ToString());
            await Expect(page.Locator("#chart-batch")).ToHaveAttributeAsync("data-points", (epoch * 15).ToString());
            await Expect(page.Locator("#fact-epoch")).ToHaveTextAsync($"{epoch} / {Epochs}");
            if (epoch == 2)
            {
                late = await Open(new Uri(url, "#live"));
                await Expect(late.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", "4");
                await Expect(late.Locator("#confusion-caption")).ToContainTextAsync("after epoch 2");
                await Expect(late.Locator("#weights-caption")).ToContainTextAsync("after epoch 2");
            }

            lockstep.Proceed.Release();
        }

        await training;
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Training finished: 4 epochs");
        await Expect(page.Locator("#table-parameters tbody tr")).ToHaveCountAsync(4);
        await Expect(page.Locator("#table-activations tbody tr")).ToHaveCountAsync(1);
        await Expect(late!.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", (2 * Epochs).ToString());
        await Expect(page.Locator("#statistics-note")).ToBeHiddenAsync();

        // The train loss sits mid-epoch (its mean while the network learned), the held-out loss at the epoch's end.
        double[][] columns = await page.EvaluateAsync<double[][]>(
            "() => { const c = Array.from(SN.Chart.all).find(c => c.figure.id === 'chart-loss'); return [0, 1, 2].map(i => c.columns[0].filter((x, j) => i === 0 || c.columns[i][j] !== null)); }");
        Assert.That(columns[1], Is.EqualTo(new[] { 0.5, 1.5, 2.5, 3.5 }));
        Assert.That(columns[2], Is.EqualTo(new[] { 1.0, 2.0, 3.0, 4.0 }));
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
        await Expect(page.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", "6");
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
        await Expect(page.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", "4");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("for 8 epochs");
        Assert.That(await page.EvaluateAsync<double>("() => Number(document.querySelector('#chart-loss').dataset.points)"), Is.EqualTo(4));

        // A diverged run ends with the log's line, and no ETA.
        const string Diverged = "Training diverged: the loss is NaN at epoch 3, batch 7; lower Optimizer:LearningRate (now 3), e.g. to 0.3. The best checkpoint so far is kept.";
        Publish(second, new LiveEvent(LiveEventTypes.End, new RunEnd(RunOutcomes.Diverged, 2, null, null, Diverged)));
        await Expect(page.Locator("#live-status")).ToHaveTextAsync(Diverged);
        await Expect(page.Locator("#fact-eta")).ToHaveTextAsync("–");
        Assert.That(PageErrors[page], Is.Empty);
    }

    [Test]
    public async Task ThePanelsSayWhenStatisticsComeAndWhatTheirPicturesShow()
    {
        using var temp = new TempDirectory();
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")), feed);
        IPage page = await Open(new Uri(url, "#live"));

        // Before the first measurement the statistics panel says when it comes (7 steps apart on 15 batches an epoch).
        Publish(feed, Run(epochs: 10, heldOut: "test"));
        await Expect(page.Locator("#statistics-note")).ToHaveTextAsync("Measured every 7 batches; the first measurement comes after batch 7 of 150.");
        await Expect(page.Locator("#ratio-note")).ToBeVisibleAsync();
        Publish(feed, new LiveEvent(LiveEventTypes.Layers, new LayerStatistics(1, 6, 7, [new ParameterPoint("dense0.weight", 16, 1.7, 3e-4)])));
        await Expect(page.Locator("#statistics-note")).ToBeHiddenAsync();
        await Expect(page.Locator("#ratio-note")).ToBeHiddenAsync();
        await Expect(page.Locator("#table-parameters tbody tr")).ToHaveCountAsync(1);
        // Counted as the note above counts (the run's steps), not by the event's 0-based batch within its epoch.
        await Expect(page.Locator("#table-parameters caption")).ToHaveTextAsync("Latest measurement: after batch 7 of the run (epoch 1)");

        // The weights before any training are the initialisation; a dense layer on 7 × 7 images has units, not filters.
        Publish(feed, new LiveEvent(LiveEventTypes.Weights, new WeightTiles(0, "dense0", "dense", 49, 2, 2, 7, [1f, 1f], Convert.ToBase64String(new byte[98]))));
        await Expect(page.Locator("#weights-caption")).ToContainTextAsync("dense0's weights at initialisation: one tile per hidden unit");
        Publish(feed, new LiveEvent(LiveEventTypes.Weights, new WeightTiles(3, "conv0", "conv", 81, 2, 2, 9, [1f, 1f], Convert.ToBase64String(new byte[162]))));
        await Expect(page.Locator("#weights-caption")).ToContainTextAsync("conv0's weights after epoch 3: one tile per filter");

        // The heatmap's colour is the row's share on the square-root scale its caption names: 45 % and 25 % confusions differ.
        Publish(feed, new LiveEvent(LiveEventTypes.Confusion, new ConfusionCounts(3, ["top", "middle", "bottom"], [[55, 45, 0], [0, 75, 25], [0, 0, 100]])));
        await Expect(page.Locator("#confusion-caption")).ToContainTextAsync("after epoch 3");
        await Expect(page.Locator("#confusion-caption")).ToContainTextAsync("share of the row on a square-root scale");
        int[] greens = await page.EvaluateAsync<int[]>(
            "() => { const c = document.getElementById('live-confusion'), ctx = c.getContext('2d'), cell = (Math.min(c.width, c.height) - 28) / 3;" +
            " return [[0, 1], [1, 2], [0, 2]].map(([a, p]) => ctx.getImageData(Math.floor(28 + p * cell + 4), Math.floor(28 + a * cell + 4), 1, 1).data[1]); }");
        Assert.That(greens[0], Is.EqualTo(255 - (200 * Math.Sqrt(0.45))).Within(1.5), "45 % of the row");
        Assert.That(greens[1], Is.EqualTo(255 - (200 * Math.Sqrt(0.25))).Within(1.5), "25 % of the row");
        Assert.That(greens[2], Is.EqualTo(255), "no confusion stays white");

        // A mistake names its row and the split it indexes.
        Publish(feed, new LiveEvent(LiveEventTypes.Mistakes, new MistakeImages(3, 28, 28, ["top", "middle", "bottom"], [new MistakeImage(4021, 0, 2, 0.97f, Convert.ToBase64String(new byte[784]))])));
        await Expect(page.Locator("#live-mistakes figure")).ToHaveAttributeAsync("title", "row 4021 of the test split");

        // And, where the data knows it, its place in the data files.
        Publish(feed, new LiveEvent(LiveEventTypes.Mistakes, new MistakeImages(4, 28, 28, ["top", "middle", "bottom"], [new MistakeImage(4021, 0, 2, 0.97f, Convert.ToBase64String(new byte[784]), "t10k-images[4021]")])));
        await Expect(page.Locator("#live-mistakes figure")).ToHaveAttributeAsync("title", "row 4021 of the test split, t10k-images[4021] in the data files");
        await Expect(page.Locator("#mistakes-caption")).ToContainTextAsync("its row in the test split");

        // A run with fewer steps than the measurement interval says it will show none.
        Publish(feed, new LiveEvent(LiveEventTypes.Run, new RunInfo(1, 1, 1, 16, 60, "validation", ["top", "middle", "bottom"], [], 9_459, "784-12-3", 1, 2)));
        await Expect(page.Locator("#statistics-note")).ToHaveTextAsync("This run is too short to measure: it trains 1 batch, and a measurement comes every 2.");
        Assert.That(PageErrors[page], Is.Empty);
    }

    [Test]
    public async Task APageThatSawARunEndKeepsItsVerdict_ThenFollowsTheNextRunOnThatAddress()
    {
        using var temp = new TempDirectory();
        var sources = new DashboardSources(temp.Combine("runs"));
        var first = new LiveFeed();
        Uri url = await Serve(sources, first);
        IPage page = await Open(new Uri(url, "#live"));

        // Interrupted (Ctrl+C): the page says how to resume, and the process ends.
        Publish(first, Run(epochs: 20), Epoch(1, 0.5), Epoch(2, 0.4), new LiveEvent(LiveEventTypes.End, new RunEnd(RunOutcomes.Interrupted, 2, null, null)));
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Training was interrupted after 2 epochs");
        await Expect(page).ToHaveTitleAsync("ScratchNet: interrupted");
        await Expect(page.Locator("#fact-speed")).ToHaveTextAsync("–");
        await StopServing();

        // A run that ended in order is not "lost" when its process is gone.
        await page.WaitForTimeoutAsync(1500);
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Training was interrupted after 2 epochs");

        // train --resume on the same port: the page follows it, and says where it continues.
        var resumed = new LiveFeed();
        await Serve(sources, resumed, url.Port);
        Publish(resumed, new LiveEvent(LiveEventTypes.Run, new RunInfo(20, 3, 15, 240, 60, "validation", ["top", "middle", "bottom"], [], 9_459, "784-12-3", 1, 7)),
            Epoch(1, 0.5), Epoch(2, 0.4), Epoch(3, 0.35));
        await Expect(page.Locator("#fact-epoch")).ToHaveTextAsync("3 / 20");
        await Expect(page.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", "6");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("for 20 epochs on 240 rows, resumed at epoch 3");
        await Expect(page).ToHaveTitleAsync("ScratchNet: training");

        // And after a run that finished, the next one too.
        Publish(resumed, new LiveEvent(LiveEventTypes.End, new RunEnd(RunOutcomes.Finished, 3, 0.35, 0.9)));
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Training finished: 3 epochs");
        await Expect(page).ToHaveTitleAsync("ScratchNet: finished");
        await StopServing();
        var next = new LiveFeed();
        await Serve(sources, next, url.Port);
        Publish(next, Run(epochs: 5), Epoch(1, 0.7));
        await Expect(page.Locator("#fact-epoch")).ToHaveTextAsync("1 / 5");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("for 5 epochs");
        Assert.That(PageErrors[page], Is.Empty);
    }

    [Test]
    public async Task ABurstOfUpdatesIsDrawnAFewTimes_NotOncePerUpdate()
    {
        const int Batches = 600;
        using var temp = new TempDirectory();
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")), feed);
        IPage page = await Open(new Uri(url, "#live"));
        Publish(feed, Run(epochs: 40));
        await Expect(page.Locator("#live-status")).ToContainTextAsync("for 40 epochs");
        int before = int.Parse(await page.Locator("#chart-batch").GetAttributeAsync("data-draws") ?? "0");

        for (int step = 1; step <= Batches; step++)
        {
            Publish(feed, new LiveEvent(LiveEventTypes.Batch, new BatchPoint(1 + ((step - 1) / 15), (step - 1) % 15, step, 1.0 / step, 0.05, 1000, 60)));
        }

        await Expect(page.Locator("#chart-batch")).ToHaveAttributeAsync("data-points", Batches.ToString());
        await Expect(page.Locator("#fact-loss")).ToHaveTextAsync(SnFormat(1.0 / Batches));
        int draws = int.Parse(await page.Locator("#chart-batch").GetAttributeAsync("data-draws") ?? "0") - before;
        Assert.That(draws, Is.InRange(1, 40), $"{Batches} updates drawn {draws} times");
        Assert.That(PageErrors[page], Is.Empty);
    }

    [Test]
    public async Task EveryCountInTheConfusionHeatmapContrastsWithItsCellAtLeast4_5To1()
    {
        using var temp = new TempDirectory();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")));
        IPage page = await Open(new Uri(url, "#live"));

        // Every shade a cell can take, on and off the diagonal: the cell's colour and the text colour the page writes on it.
        string[][] pairs = await page.EvaluateAsync<string[][]>(
            "() => { const out = []; for (let i = 0; i <= 200; i++) { for (const d of [true, false]) { const c = SN.confusionColour(d, SN.confusionShade(i / 200));" +
            " out.push([c.join(','), SN.inkOn(c)]); } } return out; }");

        Assert.That(pairs, Has.Length.EqualTo(402));
        foreach (string[] pair in pairs)
        {
            double[] cell = [.. pair[0].Split(',').Select(double.Parse)];
            double[] ink = pair[1] == "#000" ? [0, 0, 0] : pair[1] == "#fff" ? [255, 255, 255] : throw new AssertionException($"unexpected ink {pair[1]}");
            Assert.That(Contrast(cell, ink), Is.GreaterThanOrEqualTo(4.5), $"{pair[1]} on rgb({pair[0]})");
        }
    }

    [Test]
    public async Task TheRatioChartTellsItsSeriesApartByDash_AndItsColoursSurviveColourBlindness()
    {
        using var temp = new TempDirectory();
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")), feed);
        IPage page = await Open(new Uri(url, "#live"));
        string[] names = ["conv0.weight", "conv0.bias", "conv1.weight", "conv1.bias", "dense0.weight", "dense0.bias", "dense1.weight", "dense1.bias"];
        Publish(feed, Run(epochs: 10), new LiveEvent(LiveEventTypes.Layers, new LayerStatistics(1, 6, 7, [.. names.Select((n, i) => new ParameterPoint(n, 1, 1, 1e-3 * (i + 1)))])));
        await Expect(page.Locator("#chart-ratio")).ToHaveAttributeAsync("data-series", "8");

        string[] dashes = await page.EvaluateAsync<string[]>(
            "() => Array.from(SN.Chart.all).find(c => c.figure.id === 'chart-ratio').plot.series.slice(1).map(s => JSON.stringify(s.dash || []))");
        Assert.That(dashes, Has.Length.EqualTo(8));
        Assert.That(dashes, Is.Unique, "each series its own line style");

        // Machado et al. (2009) at full severity, CIELAB ΔE: no two colours of the palette alike for a colour-blind reader.
        string[] palette = await page.EvaluateAsync<string[]>("() => SN.palette");
        foreach ((string kind, double[,] matrix) in ColourBlindness.Simulations)
        {
            for (int a = 0; a < palette.Length; a++)
            {
                for (int b = a + 1; b < palette.Length; b++)
                {
                    Assert.That(ColourBlindness.DeltaE(palette[a], palette[b], matrix), Is.GreaterThanOrEqualTo(6), $"{palette[a]} and {palette[b]} under {kind}");
                }
            }
        }

        // The legend says it in words as well: the hidden table names each series and its latest value.
        await Expect(page.Locator("#chart-ratio .visually-hidden table tbody tr")).ToHaveCountAsync(8);
        await Expect(page.Locator("#chart-ratio .visually-hidden table tbody tr").Nth(7)).ToContainTextAsync("dense1.bias");
        await Expect(page.Locator("#chart-ratio .visually-hidden table tbody tr").Nth(7)).ToContainTextAsync("0.0080");
    }

    [Test]
    public async Task ChartsAndTheConfusionMatrixHaveTables_AndAMistakeShowsWhereItIsWhenFocused()
    {
        using var temp = new TempDirectory();
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")), feed);
        IPage page = await Open(new Uri(url, "#live"));
        Publish(feed, Run(epochs: 10, heldOut: "test"), Epoch(1, 0.41), Epoch(2, 0.39));
        Publish(feed, new LiveEvent(LiveEventTypes.Confusion, new ConfusionCounts(2, ["top", "middle", "bottom"], [[55, 45, 0], [0, 75, 25], [0, 0, 100]])));
        Publish(feed, new LiveEvent(LiveEventTypes.Mistakes, new MistakeImages(2, 28, 28, ["top", "middle", "bottom"], [new MistakeImage(4021, 0, 2, 0.97f, Convert.ToBase64String(new byte[784]), "t10k-images[4021]")])));

        ILocator lossTable = page.Locator("#chart-loss .visually-hidden table");
        // The legend names the set the caption names.
        await Expect(lossTable.Locator("tbody tr").Nth(1)).ToContainTextAsync("test loss (after the epoch)");
        await Expect(page.Locator("#chart-accuracy .u-legend")).ToContainTextAsync("test accuracy (after the epoch)");
        await Expect(lossTable.Locator("tbody tr").Nth(1)).ToContainTextAsync("0.4290");
        await Expect(page.Locator("#live-confusion-table tbody tr").Nth(1)).ToHaveTextAsync("middle07525");

        ILocator tile = page.Locator("#live-mistakes figure");
        ILocator where = tile.Locator(".where");
        await Expect(where).ToBeHiddenAsync();
        await page.Keyboard.PressAsync("Tab");
        for (int i = 0; i < 30 && !await tile.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Expect(tile).ToBeFocusedAsync();
        await Expect(where).ToBeVisibleAsync();
        await Expect(where).ToHaveTextAsync("row 4021 of the test split, t10k-images[4021] in the data files");
        Assert.That(PageErrors[page], Is.Empty);
    }

    private static string SnFormat(double v) => Math.Abs(v) < 1e-3 ? v.ToString("0.00e+0", System.Globalization.CultureInfo.InvariantCulture) : v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);

    private static double Contrast(double[] a, double[] b)
    {
        double la = ColourBlindness.Luminance(a), lb = ColourBlindness.Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    // "after 1 epochs", and "Browse it later with serve." for a run that serve alone does not show.
    [Test]
    public async Task TheEndSaysOneEpoch_AndNamesTheRunsFolderServeMustBeGiven()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("r5");
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(runs) { DefaultRunsDirectory = false }, feed);
        IPage page = await Open(new Uri(url, "#live"));

        Publish(feed, Run(epochs: 1), Epoch(1, 0.5), new LiveEvent(LiveEventTypes.End, new RunEnd(RunOutcomes.Interrupted, 1, null, null)));
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("Training was interrupted after 1 epoch. Continue it with train --resume (the log gives the exact command).");

        Publish(feed, Run(epochs: 1), Epoch(1, 0.5), new LiveEvent(LiveEventTypes.End, new RunEnd(RunOutcomes.Finished, 1, 0.5, 0.9)));
        await Expect(page.Locator("#live-status")).ToHaveTextAsync($"Training finished: 1 epoch, validation accuracy 0.9000, loss 0.5000. Browse it later with serve --runs {ScratchNet.Files.ShellWord.Quote(runs)}.");
        Assert.That(PageErrors[page], Is.Empty);
    }

    // After a run's end its process exits and takes the dashboard along: no "closed or killed", no "reload".
    [Test]
    public async Task AfterARunEndsAndItsProcessGoes_TheOtherTabsSayTheRunEnded_NotThatTheServerWasKilled()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("r5");
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(runs) { DefaultRunsDirectory = false }, feed);
        IPage page = await Open(new Uri(url, "#live"));
        Publish(feed, Run(epochs: 1), Epoch(1, 0.5), new LiveEvent(LiveEventTypes.End, new RunEnd(RunOutcomes.Finished, 1, 0.5, 0.9)));
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Training finished: 1 epoch");

        await page.EvaluateAsync("() => { location.hash = '#runs'; }");
        await StopServing();

        await Expect(page.Locator("#server-stopped")).ToHaveTextAsync($"The training process ended with its run, and its dashboard with it. The page keeps what it shows; browse the run later with serve --runs {ScratchNet.Files.ShellWord.Quote(runs)}.");
        Assert.That(PageErrors[page], Is.Empty);
    }

    // The page read the command only from its one /api/live request at load, which can fail or come too late: the end's
    // line then lost "--runs DIR" (retest X5). The end carries the command, and it wins over what the page had.
    [Test]
    public async Task TheEndsOwnBrowseCommandIsTheOneThePageGives()
    {
        using var temp = new TempDirectory();
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")), feed);
        IPage page = await Open(new Uri(url, "#live"));

        Publish(feed, Run(epochs: 1), Epoch(1, 0.5), new LiveEvent(LiveEventTypes.End, new RunEnd(RunOutcomes.Finished, 1, 0.5, 0.9, Browse: "serve --runs elsewhere/runs")));

        await Expect(page.Locator("#live-status")).ToHaveTextAsync("Training finished: 1 epoch, validation accuracy 0.9000, loss 0.5000. Browse it later with serve --runs elsewhere/runs.");
        await StopServing();
        await Expect(page.Locator("#server-stopped")).ToContainTextAsync("browse the run later with serve --runs elsewhere/runs.");
        Assert.That(PageErrors[page], Is.Empty);
    }

    // With every live-feed place taken the page said the server had stopped or been killed (retest X7): a refusal is told
    // apart from a server that cannot be reached, its reason is shown, and the page asks again after Retry-After.
    [Test]
    public async Task WithEveryLiveFeedPlaceTaken_ThePageShowsTheServersReason_AndFollowsOnceAPlaceIsFree()
    {
        using var temp = new TempDirectory();
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")), feed);
        var taken = new List<Subscription>();
        try
        {
            for (int i = 0; i < LiveFeed.MaxSubscribers; i++)
            {
                taken.Add(feed.Subscribe());
            }

            IPage page = await Open(new Uri(url, "#live"));
            // The server's reason as a sentence of its own: no nested brackets, no header name, nothing said twice (probe-http U3).
            await Expect(page.Locator("#live-status")).ToHaveTextAsync(
                $"This page does not follow the training: the server turned its live feed away. The dashboard already serves {LiveFeed.MaxSubscribers} live pages; close some of its tabs. This page asks again in 10 s.");
            await Expect(page.Locator("#server-stopped")).ToBeHiddenAsync();

            taken[0].Dispose();
            Publish(feed, Run(epochs: 4));
            await Expect(page.Locator("#live-status")).ToContainTextAsync("for 4 epochs", new() { Timeout = 45_000 });
            Assert.That(PageErrors[page], Is.Empty);
        }
        finally
        {
            taken.ForEach(s => s.Dispose());
        }
    }

    // Every request of the page tells a refusal (the server's reason, JSON or plain text) from a server it cannot reach.
    [Test]
    public async Task ARequestTheServerRefuses_ShowsItsReason_AndOneThatReachesNoServer_SaysTheServerStopped()
    {
        using var temp = new TempDirectory();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")));
        IPage page = await Open(new Uri(url, "#live"));
        const string Reason = "This dashboard answers only to the names localhost, 127.0.0.1, [::1]; this request asked for vm.lan.";
        await page.RouteAsync("**/api/runs", route => route.FulfillAsync(new() { Status = 400, ContentType = "text/plain", Body = Reason }));
        await page.EvaluateAsync("() => { location.hash = '#runs'; }");
        await Expect(page.Locator("#runs-status")).ToHaveTextAsync(Reason);
        await Expect(page.Locator("#server-stopped")).ToBeHiddenAsync();

        await page.UnrouteAsync("**/api/runs");
        await page.RouteAsync("**/api/runs", route => route.AbortAsync("connectionrefused"));
        await page.ClickAsync("#runs-refresh");
        await Expect(page.Locator("#server-stopped")).ToContainTextAsync("The dashboard server stopped");
        Assert.That(PageErrors[page], Is.Empty);
    }

    private static void Publish(LiveFeed feed, params LiveEvent[] events)
    {
        foreach (LiveEvent e in events)
        {
            Assert.That(feed.Publish(e), Is.True);
        }
    }

    private static LiveEvent Run(int epochs, string heldOut = "validation") => new(LiveEventTypes.Run, new RunInfo(
        epochs, 1, 15, 240, 60, heldOut, ["top", "middle", "bottom"], [], 9_459, "784-12-3", 1, 7));

    private static LiveEvent Epoch(int epoch, double loss) => new(LiveEventTypes.Epoch, new EpochPoint(epoch, loss, 0.8, loss * 1.1, 0.8, 0.05, 0.2, 0.05, 30));
}
