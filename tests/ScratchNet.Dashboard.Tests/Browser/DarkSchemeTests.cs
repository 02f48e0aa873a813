using Microsoft.Playwright;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ScratchNet.Dashboard.Tests.Browser;

// A dark desktop got a bright page (probe-sec S10): the page, its charts and its pictures' text follow prefers-color-scheme.
public sealed class DarkSchemeTests : BrowserTest
{
    // Every visible element with text of its own, against the first opaque background behind it: WCAG AA (4.5:1, or 3:1
    // for large text). Returns the ones below.
    private const string LowContrast = """
        () => {
          const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
          const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
          const ground = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { return c; } } return rgb(getComputedStyle(document.documentElement).backgroundColor); };
          const low = [];
          for (const e of document.querySelectorAll('body *')) {
            if (!e.offsetParent || e.closest('.visually-hidden') || ![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) { continue; }
            const s = getComputedStyle(e);
            const a = lum(rgb(s.color)), b = lum(ground(e));
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
            const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
            if (ratio < needed) { low.push(`${e.tagName.toLowerCase()}#${e.id} "${e.textContent.trim().slice(0, 30)}" ${s.color} on ${ground(e)}: ${ratio.toFixed(2)}`); }
          }
          return low;
        }
        """;

    private const string AxisAndSeries = """
        () => {
          const c = Array.from(SN.Chart.all).find(c => c.figure.id === 'chart-loss');
          const value = (f, i) => (typeof f === 'function' ? f(c.plot, i) : f);
          return [value(c.plot.axes[1].stroke, 1), value(c.plot.series[1].stroke, 1)];
        }
        """;

    [Test]
    public async Task ADarkDesktopGetsADarkPage_ItsChartsInLightInk_EveryTextReadable_AndTheFocusRingKept()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        TestModels.WriteRun(runs, "R1", 3, 0.9, withModel: true);
        var feed = new LiveFeed();
        Uri url = await Serve(new DashboardSources(runs), feed);
        feed.Publish(new LiveEvent(LiveEventTypes.Run, new RunInfo(5, 1, 10, 100, 20, "validation", ["0", "1", "2"], [], 1000, "784-12-3", 3, 5)));
        feed.Publish(new LiveEvent(LiveEventTypes.Epoch, new EpochPoint(1, 0.9, 0.6, 0.8, 0.7, 0.1, 1, 0.1, 4)));
        feed.Publish(new LiveEvent(LiveEventTypes.Confusion, new ConfusionCounts(1, ["a", "b", "c"], [[5, 1, 0], [0, 6, 0], [1, 0, 5]])));

        IPage light = await Open(new Uri(url, "#live"));
        IPage dark = await Open(new Uri(url, "#live"), scheme: ColorScheme.Dark);
        foreach (IPage page in new[] { light, dark })
        {
            await Expect(page.Locator("#chart-loss")).ToHaveAttributeAsync("data-points", "2");
            await Expect(page.Locator("#live-confusion-table tbody tr")).ToHaveCountAsync(3);
        }

        string background = await dark.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).backgroundColor");
        Assert.That(await light.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).backgroundColor"), Is.EqualTo("rgb(244, 246, 249)"));
        Assert.That(background, Is.EqualTo("rgb(17, 22, 31)"));

        // uPlot draws its axes' text on a canvas: the ink it was given, and a series colour of the dark palette.
        string[] lightChart = await light.EvaluateAsync<string[]>(AxisAndSeries);
        string[] darkChart = await dark.EvaluateAsync<string[]>(AxisAndSeries);
        Assert.That(lightChart, Is.EqualTo(new[] { "#1d2330", "#0072b2" }));
        Assert.That(darkChart, Is.EqualTo(new[] { "#e6e9ef", "#56b4e9" }));

        // The confusion matrix's class names are written in the page's ink: a light pixel on the dark panel's label strip.
        bool lightLabel = await dark.EvaluateAsync<bool>("""
            () => { const c = document.getElementById('live-confusion'); const d = c.getContext('2d').getImageData(0, 28, 28, c.height - 28).data;
                    for (let i = 0; i < d.length; i += 4) { if (d[i + 3] > 200 && d[i] > 180 && d[i + 1] > 180) { return true; } } return false; }
            """);
        Assert.That(lightLabel, Is.True, "the matrix's labels are drawn dark on a dark panel");

        // Every text of every view, light and dark, meets WCAG AA.
        foreach (IPage page in new[] { light, dark })
        {
            Assert.That(await page.EvaluateAsync<string[]>(LowContrast), Is.Empty, "Live");
            await page.EvaluateAsync("() => { location.hash = '#runs'; }");
            await Expect(page.Locator("#runs-table tbody tr")).ToHaveCountAsync(1);
            await page.Locator("#runs-table button.link").ClickAsync();
            await Expect(page.Locator("#run-details")).ToBeVisibleAsync();
            Assert.That(await page.EvaluateAsync<string[]>(LowContrast), Is.Empty, "Runs");
            await page.EvaluateAsync("() => { location.hash = '#explore'; }");
            await Expect(page.Locator("#explore-status")).ToContainTextAsync("parameters");
            Assert.That(await page.EvaluateAsync<string[]>(LowContrast), Is.Empty, "Explorer");
        }

        // The scan does see text: a dark grey status line on the dark page is caught.
        await dark.AddStyleTagAsync(new() { Content = "#explore-status { color: #333 !important; }" });
        Assert.That(await dark.EvaluateAsync<string[]>(LowContrast), Has.Some.Contains("p#explore-status"));

        // The dark palette stays apart for colour-blind readers, as the light one does, and 3:1 against the dark panel.
        string[] palette = await dark.EvaluateAsync<string[]>("() => SN.paletteDark");
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

        Assert.That(await dark.EvaluateAsync<double[]>("() => SN.paletteDark.map(c => { const v = [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16) / 255).map(x => (x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4))); const l = 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; return (l + 0.05) / (0.0155 + 0.05); })"),
            Has.All.GreaterThanOrEqualTo(3));

        // The focus ring is the same yellow outline on the dark page.
        await dark.Locator("#runs-refresh").FocusAsync();
        await dark.Keyboard.PressAsync("Shift+Tab");
        await dark.Keyboard.PressAsync("Tab");
        Assert.That(await dark.EvaluateAsync<string>("() => { const s = getComputedStyle(document.activeElement); return `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`; }"),
            Is.EqualTo("3px solid rgb(245, 183, 0)"));
        Assert.That(PageErrors[dark], Is.Empty);
    }
}
