using Microsoft.Playwright;
using ScratchNet.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ScratchNet.Dashboard.Tests.Browser;

public sealed class ExplorerPageTests : BrowserTest
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void CreateModel() => _temp = new TempDirectory();

    [TearDown]
    public void DeleteModel() => _temp.Dispose();

    // A stroke drawn with mouse moves, in canvas coordinates (0–280).
    private static async Task Stroke(IPage page, (float X, float Y) from, (float X, float Y) to)
    {
        ILocator canvas = page.Locator("#draw");
        LocatorBoundingBoxResult box = (await canvas.BoundingBoxAsync())!;
        float scale = box.Width / 280f;
        await page.Mouse.MoveAsync(box.X + (from.X * scale), box.Y + (from.Y * scale));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + (to.X * scale), box.Y + (to.Y * scale), new MouseMoveOptions { Steps = 12 });
        await page.Mouse.UpAsync();
    }

    [Test]
    public async Task ADigitDrawnWithTheMouseIsClassifiedAndExplained()
    {
        Uri url = await Serve(new DashboardSources(_temp.Combine("runs"), TestModels.SaveStrokeModel(_temp.Combine("strokes.snm"))));
        IPage page = await Open(new Uri(url, "#explore"));
        await Expect(page.Locator("#explore-status")).ToContainTextAsync("Draw a digit");

        await Stroke(page, (140, 40), (140, 240));
        await Expect(page.Locator("#prediction")).ToHaveAttributeAsync("data-predicted", TestModels.VerticalClass.ToString());
        await Expect(page.Locator("#probabilities li")).ToHaveCountAsync(10);
        await Expect(page.Locator("#layers .layer")).ToHaveCountAsync(3);

        await page.Locator("#draw-clear").ClickAsync();
        await Stroke(page, (40, 140), (240, 140));
        await Expect(page.Locator("#prediction")).ToHaveAttributeAsync("data-predicted", TestModels.HorizontalClass.ToString());

        // The backward view for a chosen true label: loss, P − Y, the saliency map.
        await page.Locator("#label-select").SelectOptionAsync("7");
        await Expect(page.Locator("#loss-output")).ToContainTextAsync("loss = −log p[7]");
        await Expect(page.Locator("#saliency-panel")).ToBeVisibleAsync();
        await Expect(page.Locator("#layers .layer").Last).ToContainTextAsync("dL/dlogits = P − Y (red: raising this value would raise the loss; blue: raising it would lower it)");
        await Expect(page.Locator("#saliency-panel figcaption")).ToHaveTextAsync("dL/dx at the input (saliency map): red where more ink would raise the loss, blue where more ink would lower it");

        // A hidden unit's incoming weights, chosen with the keyboard-reachable controls.
        await page.Locator("#unit-layer").SelectOptionAsync("0");
        await page.Locator("#unit-index").FillAsync("1");
        await page.Locator("#unit-show").ClickAsync();
        await Expect(page.Locator("#unit-caption")).ToContainTextAsync("dense0 unit 1: 784 incoming weights");
        await Screenshot(page, "explorer");

        Assert.That(PageErrors[page], Is.Empty);
    }

    [Test]
    public async Task TheExplorerFitsAPhone()
    {
        Uri url = await Serve(new DashboardSources(_temp.Combine("runs"), TestModels.SaveStrokeModel(_temp.Combine("strokes.snm"))));
        IPage page = await Open(new Uri(url, "#explore"), 390, 844);
        await Expect(page.Locator("#explore-status")).ToContainTextAsync("Draw a digit");
        await Stroke(page, (140, 40), (140, 240));
        await Expect(page.Locator("#prediction")).ToHaveAttributeAsync("data-predicted", TestModels.VerticalClass.ToString());

        await AssertNoSidewaysScroll(page);
        await Screenshot(page, "explorer-phone");
    }
}
