using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Microsoft.Playwright.NUnit;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;

namespace ScratchNet.Dashboard.Tests.Browser;

/// <summary>
/// Drives Debian's Chromium (<c>apt-get install chromium</c>) through Playwright against the dashboard on Kestrel at a
/// free loopback port. Playwright's own browser download cannot work on these machines, hence the executable path.
/// Screenshots go to the test's work directory (screenshots/) and are attached to the result.
/// </summary>
[Category("Browser")]
public abstract class BrowserTest : PlaywrightTest
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly List<DashboardServer> _servers = [];

    protected IBrowser Browser { get; private set; } = null!;

    [SetUp]
    public async Task LaunchBrowser()
    {
        Assert.That(File.Exists(Chromium), Is.True, $"{Chromium} is missing: apt-get install chromium (.ci/run does it)");

        // CI shares two cores with the whole build: give the page time before calling it wrong.
        Assertions.SetDefaultExpectTimeout(20_000);
        Browser = await BrowserType.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    [TearDown]
    public async Task CloseBrowser()
    {
        await Browser.CloseAsync();
        foreach (DashboardServer server in _servers)
        {
            await server.StopAsync(CancellationToken.None);
            await server.DisposeAsync();
        }
    }

    /// <param name="port">0 picks a free one; a port used before stands for a later process on the same address.</param>
    protected async Task<Uri> Serve(DashboardSources sources, LiveFeed? feed = null, int port = 0)
    {
        var server = new DashboardServer(
            Microsoft.Extensions.Options.Options.Create(new DashboardOptions { Enabled = true, Port = port }),
            feed ?? new LiveFeed(), sources, NullLoggerFactory.Instance, NullLogger<DashboardServer>.Instance);
        await server.StartAsync(CancellationToken.None);
        _servers.Add(server);
        return server.Url!;
    }

    /// <summary>The server <see cref="Serve"/> started last.</summary>
    protected DashboardServer LastServer => _servers[^1];

    /// <summary>Stops every server started so far, as the end of its process would.</summary>
    protected async Task StopServing()
    {
        foreach (DashboardServer server in _servers)
        {
            await server.StopAsync(CancellationToken.None);
            await server.DisposeAsync();
        }

        _servers.Clear();
    }

    /// <param name="scale">Device pixels per CSS pixel: 2 with half the width stands for 200 % browser zoom.</param>
    /// <param name="scheme">The desktop's colour scheme the page is told of (prefers-color-scheme); light by default.</param>
    protected async Task<IPage> Open(Uri url, int width = 1280, int height = 800, float scale = 1, ColorScheme scheme = ColorScheme.Light)
    {
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, DeviceScaleFactor = scale, ColorScheme = scheme });
        IPage page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        await page.GotoAsync(url.ToString());
        PageErrors[page] = errors;
        return page;
    }

    protected Dictionary<IPage, List<string>> PageErrors { get; } = [];

    protected static async Task Screenshot(IPage page, string name)
    {
        string folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
    }

    /// <summary>The page fits the window's width: nothing forces sideways scrolling.</summary>
    protected static async Task AssertNoSidewaysScroll(IPage page)
    {
        int[] widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.That(widths[0], Is.LessThanOrEqualTo(widths[1]), "the page scrolls sideways: its content is wider than the window");

        // Nor does a chart grid hide charts behind a scroll box of its own (a narrow window's rule once gave every grid the
        // runs list's bounded height), or run wider than its box.
        string[] clipped = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('.grid')].filter(g => g.offsetParent !== null
                && (g.scrollHeight > g.clientHeight + 1 || g.scrollWidth > g.clientWidth + 1))
                .map(g => `${g.id || g.parentElement.id}: ${g.clientWidth}x${g.clientHeight} shows ${g.scrollWidth}x${g.scrollHeight}`)
            """);
        Assert.That(clipped, Is.Empty, "a chart grid scrolls inside the page");
    }
}
