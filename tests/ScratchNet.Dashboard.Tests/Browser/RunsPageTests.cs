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

        // Unticking one leaves one series.
        await page.GetByLabel("Compare run 01JD5X7Q-adam").UncheckAsync();
        await Expect(page.Locator("#chart-compare-loss")).ToHaveAttributeAsync("data-series", "1");
        await page.GetByLabel("Compare run 01JD5X7Q-adam").CheckAsync();
        await Expect(page.Locator("#chart-compare-loss")).ToHaveAttributeAsync("data-series", "2");

        await page.GetByRole(AriaRole.Button, new() { Name = "20260101-120000" }).ClickAsync();
        await Expect(page.Locator("#run-config")).ToContainTextAsync("Optimizer:Name");
        await Expect(page.Locator("#run-config")).ToContainTextAsync("appsettings.json");
        await Expect(page.Locator("#run-details-metrics")).ToHaveTextAsync("Last epoch 4: validation accuracy 0.8600, loss 0.3000.");
        await Screenshot(page, "runs");

        // A run still training gains epochs: coming back to the tab shows them, in the chart and in the details.
        TestModels.WriteRun(runs, "20260101-120000", 9, 0.80);
        await page.GotoAsync(new Uri(url, "#live").ToString());
        await page.GotoAsync(new Uri(url, "#runs").ToString());
        await Expect(page.Locator("#chart-compare-accuracy")).ToHaveAttributeAsync("data-points", "9");
        await Expect(page.Locator("#run-details-metrics")).ToContainTextAsync("Last epoch 9:");

        await page.SetViewportSizeAsync(390, 844);
        await AssertNoSidewaysScroll(page);
        Assert.That(PageErrors[page], Is.Empty);
    }
}
