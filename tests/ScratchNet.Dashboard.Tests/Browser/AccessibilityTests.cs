using Microsoft.Playwright;
using ScratchNet.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ScratchNet.Dashboard.Tests.Browser;

/// <summary>Run ids at 200 % zoom.</summary>
public sealed class AccessibilityTests : BrowserTest
{
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
