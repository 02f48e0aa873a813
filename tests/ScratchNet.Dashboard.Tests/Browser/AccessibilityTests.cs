using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ScratchNet.Dashboard.Tests.Browser;

/// <summary>What a keyboard alone can do with the charts' legends, and run ids at 200 % zoom.</summary>
public sealed class AccessibilityTests : BrowserTest
{
    [Test]
    public async Task TabReachesALiveLegendEntry_AndEnterOrSpaceTogglesItsSeriesAsAClickDoes()
    {
        using var temp = new TempDirectory();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")), new LiveFeed());
        IPage page = await Open(new Uri(url, "#live"));
        await Expect(page.Locator("#chart-loss .u-legend")).ToBeVisibleAsync();

        ILocator entry = await TabTo(page, Entry(page, "chart-loss", 1));
        await Expect(entry).ToHaveAttributeAsync("role", "checkbox");
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Show train loss (epoch mean, mid-epoch)" })).ToBeFocusedAsync();
        Assert.That(await entry.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"), Is.EqualTo("solid"), "no visible focus");
        await Screenshot(page, "legend-focus");

        await Expect(entry).ToBeCheckedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(entry).Not.ToBeCheckedAsync();
        Assert.That(await Shown(page, "chart-loss", 1), Is.False);
        await Expect(page.Locator("#chart-loss .u-legend tr").Nth(1)).ToHaveClassAsync(new Regex("u-off"));

        await page.Keyboard.PressAsync(" ");
        await Expect(entry).ToBeCheckedAsync();
        Assert.That(await Shown(page, "chart-loss", 1), Is.True);

        // The mouse toggles as before, and the state it leaves is what a screen reader is told.
        await entry.ClickAsync();
        await Expect(entry).Not.ToBeCheckedAsync();
        Assert.That(await Shown(page, "chart-loss", 1), Is.False);

        // Ctrl with the key isolates a series, as Ctrl with a click does.
        await entry.FocusAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await Expect(entry).ToBeCheckedAsync();
        await Expect(Entry(page, "chart-loss", 2)).Not.ToBeCheckedAsync();
        Assert.That(await Shown(page, "chart-loss", 2), Is.False);

        // Every chart's entries take part, not only the first chart's.
        Assert.That(await page.Locator("#view-live .u-legend th[role=checkbox][tabindex='0']").CountAsync(), Is.EqualTo(6));
        Assert.That(PageErrors[page], Is.Empty);
    }

    // With JavaScript off every view stays hidden: the page showed only its header, and did not say why.
    [Test]
    public async Task WithJavaScriptOff_ThePageSaysItNeedsIt_AndWhereARunsReportsAre()
    {
        using var temp = new TempDirectory();
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")));
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        IPage page = await context.NewPageAsync();
        await page.GotoAsync(url.ToString());

        // Playwright's text matching passes over <noscript>; what the page shows is its rendered text.
        await Expect(page.Locator("main")).ToContainTextAsync("This dashboard needs JavaScript", new() { UseInnerText = true });
        await Expect(page.Locator("main")).ToContainTextAsync("history.csv, loss.png", new() { UseInnerText = true });
    }

    // The scrollable runs list showed the browser's thin default ring, not the 3 px outline of every other control.
    [Test]
    public async Task TheRunsListShowsTheFocusOutlineOfTheOtherControls()
    {
        using var temp = new TempDirectory();
        TestModels.WriteRun(temp.Combine("runs"), "first", 2, 0.8);
        Uri url = await Serve(new DashboardSources(temp.Combine("runs")));
        IPage page = await Open(new Uri(url, "#runs"));
        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(1);

        await page.Locator("#runs-refresh").FocusAsync();
        string button = await Outline(page);
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("#runs-list")).ToBeFocusedAsync();

        Assert.That(button, Does.StartWith("3px solid"), "the button's outline, as the other controls have it");
        Assert.That(await Outline(page), Is.EqualTo(button));
    }

    private static Task<string> Outline(IPage page) =>
        page.EvaluateAsync<string>("() => { const s = getComputedStyle(document.activeElement); return `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`; }");

    [Test]
    public async Task AtTwoHundredPercentZoom_RunIdsStayOnOneLine_AndOnlyTheTableScrollsSideways()
    {
        using var temp = new TempDirectory();
        IPage page = await OpenRunsAtTwoHundredPercent(temp);
        foreach (string id in Ids)
        {
            ILocator cell = page.GetByRole(AriaRole.Button, new() { Name = id, Exact = true });
            Assert.That(await Lines(cell), Is.EqualTo(1), $"{id} broke across lines in the runs table");
        }

        ILocator legendIds = page.Locator("#chart-compare-accuracy .u-legend .u-label");
        for (int i = 0; i < await legendIds.CountAsync(); i++)
        {
            Assert.That(await Lines(legendIds.Nth(i)), Is.EqualTo(1), "a run id broke across lines in the legend");
        }

        await AssertNoSidewaysScroll(page);
        await Screenshot(page, "runs-200-percent");
        Assert.That(PageErrors[page], Is.Empty);
    }

    [Test]
    public async Task TheComparisonLegendWorksFromTheKeyboard()
    {
        using var temp = new TempDirectory();
        IPage page = await OpenRunsAtTwoHundredPercent(temp);
        ILocator entry = await TabTo(page, Entry(page, "chart-compare-accuracy", 1));
        await Expect(entry).ToHaveAttributeAsync("aria-label", new Regex("^Show 2026"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(entry).Not.ToBeCheckedAsync();
        Assert.That(await Shown(page, "chart-compare-accuracy", 1), Is.False);
        Assert.That(PageErrors[page], Is.Empty);
    }

    // The charts' hidden tables, whose captions do not wrap, widened the page to about 1,200 px at every width.
    [TestCase(1280, 800, 1f)]
    [TestCase(640, 400, 2f)]
    [TestCase(390, 844, 1f)]
    [TestCase(320, 700, 1f)]
    public async Task TheLiveViewAndARunsDetailsDoNotScrollSideways(int width, int height, float scale)
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        string folder = TestModels.WriteRun(runs, Ids[0], 3, 0.8, withModel: true);
        File.WriteAllText(Path.Combine(folder, "metrics.json"), """{ "split": "test", "rows": 3, "accuracy": 0.67, "loss": 0.5, "macro_f1": 0.6, "confusion_matrix": [[1, 0, 0], [0, 1, 0], [1, 0, 0]] }""");
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(runs), feed);
        var dashboard = new ScratchNet.Dashboard.Live.DashboardCallback(feed, Microsoft.Extensions.Options.Options.Create(new ScratchNet.Dashboard.Options.DashboardOptions { Enabled = true }));
        await TrainingRig.Trainer(TrainingRig.Images(), [dashboard], 2).TrainAsync();

        IPage page = await Open(new Uri(url, "#live"), width, height, scale);
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Training finished");
        await Expect(page.Locator("#chart-loss table tbody tr")).Not.ToHaveCountAsync(0);
        await AssertNoSidewaysScroll(page);

        await page.GotoAsync(new Uri(url, "#runs").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = Ids[0], Exact = true }).ClickAsync();
        await Expect(page.Locator("#run-confusion-table tbody tr")).Not.ToHaveCountAsync(0);
        await AssertNoSidewaysScroll(page);
        Assert.That(await CutCaptions(page), Is.Empty, "captions cut off at the edge of the box that scrolls sideways");
        Assert.That(PageErrors[page], Is.Empty);
    }

    /// <summary>
    /// The start of each visible caption whose text runs past the edge of the box that scrolls it sideways (or the
    /// window), with every box scrolled to its start: the runs list's caption was cut at 320 px.
    /// </summary>
    private static async Task<string[]> CutCaptions(IPage page) => await page.EvaluateAsync<string[]>("""
        () => Array.from(document.querySelectorAll('caption, figcaption, .list-caption'))
          .filter(c => c.getClientRects().length && !c.closest('.visually-hidden') && c.textContent.trim())
          .filter(c => {
            let box = c.parentElement;
            while (box && box !== document.body && !/auto|scroll|hidden/.test(getComputedStyle(box).overflowX)) { box = box.parentElement; }
            if (box && box !== document.body) { box.scrollLeft = 0; }
            const edge = box && box !== document.body ? box.getBoundingClientRect().right : document.documentElement.clientWidth;
            const range = document.createRange();
            range.selectNodeContents(c);
            return range.getBoundingClientRect().right > edge + 1;
          })
          .map(c => c.textContent.trim().slice(0, 40))
        """);

    private static readonly string[] Ids = ["20261127-025333-b85e755a", "20261127-031502-0c41d9e2", "20261126-224807-7f3a91bd"];

    /// <summary>Three runs named as train names them, two of them compared, in a 1280 × 800 window zoomed to 200 %.</summary>
    private async Task<IPage> OpenRunsAtTwoHundredPercent(TempDirectory temp)
    {
        string runs = temp.Combine("runs");
        foreach (string id in Ids)
        {
            TestModels.WriteRun(runs, id, 3, 0.8, withModel: true);
        }

        IPage page = await Open(new Uri(await Serve(new DashboardSources(runs)), "#runs"), 640, 400, scale: 2);
        await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#chart-compare-accuracy")).ToHaveAttributeAsync("data-series", "2");
        return page;
    }

    /// <summary>A legend entry's label cell: row 0 is the x series, row i series i.</summary>
    private static ILocator Entry(IPage page, string chart, int series) => page.Locator($"#{chart} .u-legend tr").Nth(series).Locator("th");

    /// <summary>Presses Tab until the focus is on the target (at most 60 presses).</summary>
    private async Task<ILocator> TabTo(IPage page, ILocator target)
    {
        for (int i = 0; i < 60 && !await target.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Expect(target).ToBeFocusedAsync(new() { Timeout = 1_000 });
        return target;
    }

    private static Task<bool> Shown(IPage page, string chart, int series) => page.EvaluateAsync<bool>(
        "([id, i]) => Array.from(SN.Chart.all).find(c => c.figure.id === id).plot.series[i].show", new object[] { chart, series });

    /// <summary>How many lines an element's text takes: the distinct tops of its text's line boxes.</summary>
    private static Task<int> Lines(ILocator element) => element.EvaluateAsync<int>("""
        e => {
          const tops = new Set(), walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), r = document.createRange();
          for (let t = walk.nextNode(); t; t = walk.nextNode()) {
            r.selectNodeContents(t);
            Array.from(r.getClientRects()).filter(b => b.width > 0).forEach(b => tops.add(Math.round(b.top)));
          }
          return tops.size;
        }
        """);
}
