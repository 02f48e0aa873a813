using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ScratchNet.Dashboard.Tests.Browser;

/// <summary>
/// Takes README's two pictures from a dashboard the user started (a real run with <c>train --dashboard</c>, a trained
/// model in its runs folder). Not a check, a tool, so it runs only when asked:
/// <c>SCRATCHNET_TEST_DASHBOARD_URL=http://127.0.0.1:5757/ SCRATCHNET_TEST_SCREENSHOTS=docs/dashboard dotnet test --filter Name~Take</c>
/// (TakeLiveScreenshot while a run trains, TakeExplorerScreenshot against <c>serve</c>).
/// </summary>
[Explicit("a tool for README's pictures; needs a dashboard the user started")]
public sealed class ReadmeScreenshots : BrowserTest
{
    // A "3" as two arcs, in canvas coordinates (0–280).
    private static readonly (float X, float Y)[][] Three =
    [
        [(85, 70), (110, 48), (150, 42), (185, 60), (190, 95), (165, 125), (125, 138)],
        [(125, 138), (170, 148), (198, 180), (190, 220), (150, 242), (105, 238), (80, 215)],
    ];

    private static Uri Url => new(Environment.GetEnvironmentVariable("SCRATCHNET_TEST_DASHBOARD_URL") ?? "http://127.0.0.1:5757/");

    private static string Folder()
    {
        string folder = Environment.GetEnvironmentVariable("SCRATCHNET_TEST_SCREENSHOTS") ?? "screenshots";
        Directory.CreateDirectory(folder);
        return folder;
    }

    [Test]
    public async Task TakeLiveScreenshot()
    {
        IPage live = await Open(new Uri(Url, "#live"));
        await Expect(live.Locator("#chart-loss")).Not.ToHaveAttributeAsync("data-points", "0", new() { Timeout = 60_000 });
        await Task.Delay(TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("SCRATCHNET_TEST_LIVE_SECONDS") ?? "20", System.Globalization.CultureInfo.InvariantCulture)));
        await live.ScreenshotAsync(new() { Path = Path.Combine(Folder(), "live.png"), FullPage = true });
    }

    [Test]
    public async Task TakeExplorerScreenshot()
    {
        IPage explore = await Open(new Uri(Url, "#explore"));
        await Expect(explore.Locator("#explore-status")).ToContainTextAsync("Draw a digit");
        LocatorBoundingBoxResult box = (await explore.Locator("#draw").BoundingBoxAsync())!;
        float scale = box.Width / 280f;
        foreach ((float X, float Y)[] stroke in Three)
        {
            await explore.Mouse.MoveAsync(box.X + (stroke[0].X * scale), box.Y + (stroke[0].Y * scale));
            await explore.Mouse.DownAsync();
            foreach ((float x, float y) in stroke.Skip(1))
            {
                await explore.Mouse.MoveAsync(box.X + (x * scale), box.Y + (y * scale), new() { Steps = 4 });
            }

            await explore.Mouse.UpAsync();
        }

        await explore.Locator("#label-select").SelectOptionAsync("3");
        await Expect(explore.Locator("#loss-output")).ToContainTextAsync("loss");
        await explore.Locator("#unit-layer").SelectOptionAsync("0");
        await explore.Locator("#unit-index").FillAsync("5");
        await explore.Locator("#unit-show").ClickAsync();
        await Expect(explore.Locator("#unit-caption")).ToContainTextAsync("unit 5");
        await explore.ScreenshotAsync(new() { Path = Path.Combine(Folder(), "explorer.png"), FullPage = true });
    }
}
