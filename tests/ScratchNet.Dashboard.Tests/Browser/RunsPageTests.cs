using Microsoft.Playwright;
using ScratchNet.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ScratchNet.Dashboard.Tests.Browser;

public sealed class RunsPageTests : BrowserTest
{
    [Test]
    public async Task TwoRunsAreComparedOnOneChartAndARunShowsItsConfiguration()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        TestModels.WriteRun(runs, "20260101-120000", 4, 0.80, configJson: """{ "Optimizer:Name": { "value": "sgd", "source": "appsettings.json" } }""");
        TestModels.WriteRun(runs, "01JD5X7Q-adam", 6, 0.85, withModel: true);
        Uri url = await Serve(new DashboardSources(runs));
        IPage page = await Open(new Uri(url, "#runs"));

        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#chart-compare-accuracy")).ToHaveAttributeAsync("data-series", "2");
        await Expect(page.Locator("#chart-compare-accuracy")).ToHaveAttributeAsync("data-points", "6");
        await Expect(page.Locator("#chart-compare-accuracy .u-legend")).ToContainTextAsync("20260101-120000");
        await Expect(page.Locator("#chart-compare-accuracy .u-legend")).ToContainTextAsync("01JD5X7Q-adam");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "explore the model of run 01JD5X7Q-adam" })).ToBeVisibleAsync();
        string[] dashes = await page.EvaluateAsync<string[]>(
            "() => Array.from(SN.Chart.all).find(c => c.figure.id === 'chart-compare-accuracy').plot.series.slice(1).map(s => JSON.stringify(s.dash || []))");
        Assert.That(dashes, Is.Unique, "each run its own line style");

        // Unticking one leaves one series.
        await page.GetByLabel("Compare run 01JD5X7Q-adam").UncheckAsync();
        await Expect(page.Locator("#chart-compare-loss")).ToHaveAttributeAsync("data-series", "1");
        await page.GetByLabel("Compare run 01JD5X7Q-adam").CheckAsync();
        await Expect(page.Locator("#chart-compare-loss")).ToHaveAttributeAsync("data-series", "2");

        await page.GetByRole(AriaRole.Button, new() { Name = "20260101-120000" }).ClickAsync();
        await Expect(page.Locator("#run-config")).ToContainTextAsync("Optimizer:Name");
        await Expect(page.Locator("#run-config")).ToContainTextAsync("appsettings.json");
        await Expect(page.Locator("#run-details-metrics")).ToHaveTextAsync("Last epoch 4: held-out accuracy 0.8600, loss 0.3000.");
        await Screenshot(page, "runs");

        // A run still training gains epochs: coming back to the tab shows them, in the chart and in the details.
        TestModels.WriteRun(runs, "20260101-120000", 9, 0.80);
        await page.GotoAsync(new Uri(url, "#live").ToString());
        await page.GotoAsync(new Uri(url, "#runs").ToString());
        await Expect(page.Locator("#chart-compare-accuracy")).ToHaveAttributeAsync("data-points", "9");
        await Expect(page.Locator("#run-details-metrics")).ToContainTextAsync("Last epoch 9:");

        await page.SetViewportSizeAsync(390, 844);
        await AssertNoSidewaysScroll(page);

        // On a phone a legend entry is its label on one line, without the ": --" that broke it apart.
        await Expect(page.Locator("#chart-compare-accuracy .u-legend .u-value").First).ToBeHiddenAsync();
        Assert.That(await page.Locator("#chart-compare-accuracy .u-legend .u-series th").Nth(1).EvaluateAsync<string>("e => getComputedStyle(e, '::after').content"), Is.EqualTo("none"));
        Assert.That(PageErrors[page], Is.Empty);
    }

    // Runs added or deleted while the tab is open used to show only after a reload.
    [Test]
    public async Task TheListIsReadAgain_OnRefresh_AndWhenAChosenRunHasGone()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        TestModels.WriteRun(runs, "first", 2, 0.8);
        string victim = TestModels.WriteRun(runs, "victim", 2, 0.8);
        TestModels.WriteRun(runs, "second", 2, 0.8);
        // The oldest, so not ticked and its details not yet read: they are read when it is chosen.
        File.SetLastWriteTimeUtc(Path.Combine(victim, "history.json"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Uri url = await Serve(new DashboardSources(runs));
        IPage page = await Open(new Uri(url, "#runs"));
        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(3);

        TestModels.WriteRun(runs, "added", 2, 0.8);
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh the list" }).ClickAsync();
        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(4);

        Directory.Delete(victim, recursive: true);
        await page.GetByRole(AriaRole.Button, new() { Name = "victim", Exact = true }).ClickAsync();
        await Expect(page.Locator("#runs-status")).ToHaveTextAsync("There is no run 'victim' in the runs folder.");
        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(3);
        Assert.That(PageErrors[page], Is.Empty);
    }

    [Test]
    public async Task ARunEndedByEarlyStoppingShowsItsSavedModelsAccuracy_NotOnlyTheLastEpochs()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        string folder = TestModels.WriteRun(runs, "stopped-early", 8, 0.80);
        File.WriteAllText(Path.Combine(folder, "metrics.json"), """{ "split": "validation", "rows": 100, "accuracy": 0.8852, "loss": 0.42, "macro_f1": 0.88, "epoch": 5 }""");
        Uri url = await Serve(new DashboardSources(runs));
        IPage page = await Open(new Uri(url, "#runs"));

        ILocator row = page.Locator("#runs-table tbody tr");
        await Expect(row.Locator("td").Nth(7)).ToHaveTextAsync("0.8852 (epoch 5)");
        await Expect(page.Locator("#runs-status")).ToHaveTextAsync("1 run.");
        await page.GetByRole(AriaRole.Button, new() { Name = "stopped-early" }).ClickAsync();
        await Expect(page.Locator("#run-details-metrics")).ToContainTextAsync("Final model (epoch 5's weights, restored by early stopping): accuracy 0.8852");
        Assert.That(PageErrors[page], Is.Empty);
    }

    [Test]
    public async Task EachRunIsNamedByItsOwnHeldOutSet_AndRunsJudgedOnDifferentSetsAreFlaggedTogether()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        string official = TestModels.WriteRun(runs, "cnn-official", 3, 0.95, configJson: """{ "Data:Dataset": { "value": "mnist", "source": "default" }, "Data:Split": { "value": "official", "source": "recipe" } }""");
        File.WriteAllText(Path.Combine(official, "metrics.json"), """{ "split": "test", "rows": 10000, "accuracy": 0.987, "loss": 0.04, "macro_f1": 0.986 }""");
        TestModels.WriteRun(runs, "reference-random", 2, 0.90, configJson: RandomSplit("42"));
        Uri url = await Serve(new DashboardSources(runs));
        IPage page = await Open(new Uri(url, "#runs"));

        // Both ticked (the two newest): the curves are on one chart, and the page says they were judged on different sets.
        await Expect(page.Locator("#chart-compare-accuracy")).ToHaveAttributeAsync("data-series", "2");
        await Expect(page.Locator("#runs-table tbody tr").Filter(new() { HasText = "cnn-official" })).ToContainTextAsync("test");
        await Expect(page.Locator("#runs-table tbody tr").Filter(new() { HasText = "reference-random" })).ToContainTextAsync("validation");
        await Expect(page.Locator("#runs-accuracy-heading")).ToHaveTextAsync("Held-out accuracy");
        await Expect(page.Locator("#compare-note")).ToHaveTextAsync(
            "The ticked runs were judged on different held-out sets (cnn-official on the official test set of mnist; reference-random on the random split of mnist with Data:Seed 42 and Data:ValidationFraction 0.2), so their curves do not compare like with like.");
        await Expect(page.Locator("#chart-compare-accuracy .u-legend")).ToContainTextAsync("cnn-official (test)");

        // One run alone: its own name, and no warning.
        await page.GetByLabel("Compare run reference-random").UncheckAsync();
        await Expect(page.Locator("#compare-note")).ToBeHiddenAsync();
        await Expect(page.Locator("#compare-accuracy-caption")).ToHaveTextAsync("Test accuracy of the ticked runs");
        await Expect(page.Locator("#compare-loss-caption")).ToHaveTextAsync("Test loss of the ticked runs");

        await page.GetByRole(AriaRole.Button, new() { Name = "cnn-official" }).ClickAsync();
        await Expect(page.Locator("#run-details-metrics")).ToHaveTextAsync("Final model: accuracy 0.9870, loss 0.0400, macro F1 0.9860 on the test split (10,000 rows).");
        await Expect(page.Locator("#run-confusion-caption")).ToContainTextAsync("on the test split");
        await page.GetByRole(AriaRole.Button, new() { Name = "reference-random" }).ClickAsync();
        await Expect(page.Locator("#run-details-metrics")).ToHaveTextAsync("Last epoch 2: validation accuracy 0.9200, loss 0.6000.");
        Assert.That(PageErrors[page], Is.Empty);
    }

    private static string RandomSplit(string seed) =>
        $$"""{ "Data:Dataset": { "value": "mnist", "source": "default" }, "Data:Split": { "value": "random", "source": "default" }, "Data:Seed": { "value": "{{seed}}", "source": "command line" }, "Data:ValidationFraction": { "value": "0.2", "source": "default" } }""";

    [Test]
    public async Task RunsOnTheSameRowsCompareSilently_OtherSeedsAreFlagged_AndARunThatDoesNotSayIsUnknownNotDifferent()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        TestModels.WriteRun(runs, "reference", 4, 0.90, configJson: RandomSplit("42"));
        TestModels.WriteRun(runs, "other-seed", 4, 0.91, configJson: RandomSplit("7"));

        // From before config.json: its model file records the same split.
        string old = TestModels.WriteRun(runs, "20261126-023113", 2, 0.89);
        ScratchNet.Models.ModelFile.Save(
            TestModels.StrokeModel() with { Configuration = new Dictionary<string, string> { ["Data:Dataset"] = "mnist", ["Data:Seed"] = "42", ["Data:Split"] = "random", ["Data:ValidationFraction"] = "0.2" } },
            Path.Combine(old, "model.snm"), ScratchNet.Models.ModelFormat.Native);
        TestModels.WriteRun(runs, "mystery", 3, 0.88);

        // Ctrl+C in the first epoch: no history yet, but the run is there to resume.
        string stopped = Path.Combine(runs, "stopped");
        Directory.CreateDirectory(stopped);
        File.WriteAllText(Path.Combine(stopped, "run.json"), """{ "id": "stopped", "state": "interrupted" }""");
        File.WriteAllText(Path.Combine(stopped, "config.json"), RandomSplit("42"));

        Uri url = await Serve(new DashboardSources(runs));
        IPage page = await Open(new Uri(url, "#runs"));
        ILocator Row(string id) => page.Locator("#runs-table tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Button, new() { Name = id, Exact = true }) });
        async Task Tick(params string[] ids)
        {
            foreach (string id in new[] { "reference", "other-seed", "20261126-023113", "mystery", "stopped" })
            {
                await page.GetByLabel($"Compare run {id}", new() { Exact = true }).SetCheckedAsync(ids.Contains(id));
            }
        }

        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(5);
        await Expect(Row("stopped").Locator("td").Nth(2)).ToHaveTextAsync("0 (interrupted)");
        await Expect(page.GetByLabel("Compare run stopped", new() { Exact = true })).Not.ToBeCheckedAsync(); // the newest, but no curve to draw
        await Expect(Row("20261126-023113").Locator("td").Nth(3)).ToHaveTextAsync("validation");
        await Expect(Row("mystery").Locator("td").Nth(3)).ToHaveTextAsync("unknown");
        await Expect(Row("other-seed").Locator("td").Nth(3)).ToHaveAttributeAsync("title", "The random split of mnist with Data:Seed 7 and Data:ValidationFraction 0.2");

        // The old run was judged on the same rows as the reference run: nothing to warn about.
        await Tick("reference", "20261126-023113");
        await Expect(page.Locator("#chart-compare-accuracy")).ToHaveAttributeAsync("data-series", "2");
        await Expect(page.Locator("#compare-note")).ToBeHiddenAsync();
        await Expect(page.Locator("#compare-accuracy-caption")).ToHaveTextAsync("Validation accuracy of the ticked runs");

        // Another Data:Seed holds out other rows, though both are "validation".
        await Tick("reference", "20261126-023113", "other-seed");
        await Expect(page.Locator("#compare-note")).ToHaveTextAsync(
            "The ticked runs were judged on different held-out sets (20261126-023113 and reference on the random split of mnist with Data:Seed 42 and Data:ValidationFraction 0.2; other-seed on the random split of mnist with Data:Seed 7 and Data:ValidationFraction 0.2), so their curves do not compare like with like.");

        // A run that records nothing is unknown, not different.
        await Tick("reference", "mystery");
        await Expect(page.Locator("#compare-note")).ToHaveTextAsync(
            "mystery does not record which held-out rows it was judged on, so it is unknown whether its curves compare like with like with the other runs.");

        await page.GetByRole(AriaRole.Button, new() { Name = "stopped", Exact = true }).ClickAsync();
        await Expect(page.Locator("#run-details-metrics")).ToHaveTextAsync("No epoch finished (the run is interrupted).");
        Assert.That(PageErrors[page], Is.Empty);
    }

    // A ticked run's details were cached for the charts: chosen after it was deleted, they opened as if it were there.
    [Test]
    public async Task ATickedRunDeletedSinceTheListWasDrawn_IsGoneWhenChosen_NotShownFromTheCache()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        string older = TestModels.WriteRun(runs, "older", 2, 0.8);
        File.SetLastWriteTimeUtc(Path.Combine(older, "history.json"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        string added = TestModels.WriteRun(runs, "zz-added", 3, 0.8);
        Uri url = await Serve(new DashboardSources(runs));
        IPage page = await Open(new Uri(url, "#runs"));
        await Expect(page.GetByLabel("Compare run zz-added")).ToBeCheckedAsync();
        await Expect(page.Locator("#chart-compare-accuracy")).ToHaveAttributeAsync("data-series", "2");

        Directory.Delete(added, recursive: true);
        await page.GetByRole(AriaRole.Button, new() { Name = "zz-added", Exact = true }).ClickAsync();

        await Expect(page.Locator("#runs-status")).ToHaveTextAsync("There is no run 'zz-added' in the runs folder.");
        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#run-details")).ToBeHiddenAsync();
        Assert.That(PageErrors[page], Is.Empty);
    }

    // The row went, but the open details of the deleted run stayed on screen.
    [Test]
    public async Task ARunDeletedWhileItsDetailsAreOpen_TakesItsDetailsAlong_WhenChosenAgain()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        TestModels.WriteRun(runs, "older", 2, 0.8);
        string added = TestModels.WriteRun(runs, "zz-added", 3, 0.8);
        Uri url = await Serve(new DashboardSources(runs));
        IPage page = await Open(new Uri(url, "#runs"));
        await page.GetByRole(AriaRole.Button, new() { Name = "zz-added", Exact = true }).ClickAsync();
        await Expect(page.Locator("#run-details-title")).ToHaveTextAsync("Run zz-added");

        Directory.Delete(added, recursive: true);
        await page.GetByRole(AriaRole.Button, new() { Name = "zz-added", Exact = true }).ClickAsync();

        await Expect(page.Locator("#runs-status")).ToHaveTextAsync("There is no run 'zz-added' in the runs folder.");
        await Expect(page.Locator("#run-details")).ToBeHiddenAsync();
        Assert.That(PageErrors[page], Is.Empty);
    }

    // Refresh after serve stopped said "Failed to fetch", and the tab said nothing before the click.
    [Test]
    public async Task AfterTheServerStops_TheRunsTabSaysSo_NotFailedToFetch()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        TestModels.WriteRun(runs, "only", 2, 0.8);
        Uri url = await Serve(new DashboardSources(runs) { Serving = true });
        IPage page = await Open(new Uri(url, "#runs"));
        await Expect(page.Locator("#runs-status")).ToHaveTextAsync("1 run.");

        await StopServing();
        const string Stopped = "The dashboard server stopped (serve was closed or killed). The page keeps what it shows; reload it once the server runs again.";
        await Expect(page.Locator("#server-stopped")).ToHaveTextAsync(Stopped);
        await Expect(page.Locator("#server-stopped")).ToBeVisibleAsync();

        // The banner says it in full; the status line points to it instead of saying it twice.
        const string Unanswered = "The server did not answer (see the note above).";
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh the list" }).ClickAsync();
        await Expect(page.Locator("#runs-status")).ToHaveTextAsync(Unanswered);
        await page.GetByRole(AriaRole.Button, new() { Name = "only", Exact = true }).ClickAsync();
        await Expect(page.Locator("#runs-status")).ToHaveTextAsync(Unanswered);
        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(1);
        Assert.That(PageErrors[page], Is.Empty);
    }

    // 1,500 runs pushed the comparison charts below 1,500 rows: the list scrolls in a box of its own.
    [Test]
    public async Task WithManyRuns_TheListScrollsInItsOwnBox_AndTheChartsStayInView()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        string history = File.ReadAllText(Path.Combine(TestModels.WriteRun(runs, "run-0000", 3, 0.8), "history.json"));
        for (int i = 1; i < 1500; i++)
        {
            string folder = Path.Combine(runs, $"run-{i:D4}");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "history.json"), history);
        }

        Uri url = await Serve(new DashboardSources(runs));
        IPage page = await Open(new Uri(url, "#runs"), 1280, 800);
        await Expect(page.Locator("#runs-status")).ToHaveTextAsync("1,500 runs.", new() { Timeout = 60_000 });
        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(1500);

        LocatorBoundingBoxResult list = (await page.Locator("#runs-list").BoundingBoxAsync())!;
        LocatorBoundingBoxResult chart = (await page.Locator("#chart-compare-accuracy").BoundingBoxAsync())!;
        Assert.That(list.Height, Is.LessThanOrEqualTo(800 * 0.6 + 1), "the list is as tall as its rows");
        Assert.That(chart.Y, Is.LessThan(800), "the comparison chart starts below the window: it is buried under the rows");

        // The list scrolls by itself, its headings in view; the page does not.
        await page.Locator("#runs-list").EvaluateAsync("e => { e.scrollTop = e.scrollHeight; }");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "run-0000", Exact = true })).ToBeInViewportAsync();
        await Expect(page.Locator("#runs-table thead th").First).ToBeInViewportAsync();
        Assert.That(await page.EvaluateAsync<double>("() => window.scrollY"), Is.Zero);
        Assert.That(PageErrors[page], Is.Empty);
    }
}
