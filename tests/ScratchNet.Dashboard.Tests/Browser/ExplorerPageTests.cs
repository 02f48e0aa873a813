using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScratchNet.Dashboard.Explorer;
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

    // Run folders may have any name: a 37-character one widened the model list, and the page scrolled sideways on a phone.
    [TestCase(320, 640)]
    [TestCase(360, 740)]
    public async Task ALongRunNameInTheModelList_DoesNotWidenAPhonesPage(int width, int height)
    {
        const string Long = "mnist-cnn-lr0.01-bs128-seed42-augment-with-a-much-longer-tail";
        TestModels.WriteRun(_temp.Combine("runs"), Long, 2, 0.9, withModel: true);
        Uri url = await Serve(new DashboardSources(_temp.Combine("runs")));
        IPage page = await Open(new Uri(url, "#explore"), width, height);
        await Expect(page.Locator("#model-select option")).ToContainTextAsync(Long);

        await AssertNoSidewaysScroll(page);
    }

    // The drawing area is a tab stop; from the keyboard it did nothing. Enter or Space now chooses a file, as the button does.
    [TestCase("Enter")]
    [TestCase("Space")]
    public async Task TheDrawingAreaChoosesAnImageFromTheKeyboard(string key)
    {
        Uri url = await Serve(new DashboardSources(_temp.Combine("runs"), TestModels.SaveStrokeModel(_temp.Combine("strokes.snm"))));
        IPage page = await Open(new Uri(url, "#explore"));
        await Expect(page.Locator("#explore-status")).ToContainTextAsync("Draw a digit");
        ILocator canvas = page.Locator("#draw");

        IFileChooser chooser = await page.RunAndWaitForFileChooserAsync(() => canvas.PressAsync(key));
        await chooser.SetFilesAsync(Image());

        await Expect(page.Locator("#prediction")).ToHaveAttributeAsync("data-predicted", TestModels.VerticalClass.ToString());
        Assert.That(PageErrors[page], Is.Empty);
    }

    private static FilePayload Image(string name = "digit.png") => new() { Name = name, MimeType = "image/png", Buffer = StrokeImages.Vertical() };

    // Two uploads prepared elsewhere (another tab, a script) turned the page's own away for good.
    [Test]
    public async Task AnUploadTurnedAwayWhileOtherImagesArePrepared_WaitsItsTurn()
    {
        Uri url = await Serve(new DashboardSources(_temp.Combine("runs"), TestModels.SaveStrokeModel(_temp.Combine("strokes.snm"))));
        ExploreGate gate = LastServer.Services!.GetRequiredService<ExploreGate>();
        IPage page = await Open(new Uri(url, "#explore"));
        await Expect(page.Locator("#explore-status")).ToContainTextAsync("Draw a digit");
        var held = new List<IDisposable>();
        for (int i = 0; i < gate.Limit; i++)
        {
            held.Add(gate.TryEnter() ?? throw new InvalidOperationException("a slot was taken before the test"));
        }

        try
        {
            await page.Locator("#image-file").SetInputFilesAsync(Image());
            await Expect(page.Locator("#explore-status")).ToContainTextAsync("Waiting for the explorer: it is preparing other images");
        }
        finally
        {
            held.ForEach(slot => slot.Dispose());
        }

        await Expect(page.Locator("#prediction")).ToHaveAttributeAsync("data-predicted", TestModels.VerticalClass.ToString());
        await Expect(page.Locator("#explore-status")).ToHaveTextAsync(string.Empty);
        Assert.That(PageErrors[page], Is.Empty);
    }

    // The user picked a file; they chose no Content-Type, yet were told which one to send.
    [Test]
    public async Task AFileThatIsNotAnImageIsCalledSo()
    {
        Uri url = await Serve(new DashboardSources(_temp.Combine("runs"), TestModels.SaveStrokeModel(_temp.Combine("strokes.snm"))));
        IPage page = await Open(new Uri(url, "#explore"));
        await Expect(page.Locator("#explore-status")).ToContainTextAsync("Draw a digit");

        await page.Locator("#image-file").SetInputFilesAsync(new FilePayload { Name = "sweep.mjs", MimeType = "text/javascript", Buffer = "console.log(1);"u8.ToArray() });
        await Expect(page.Locator("#explore-status")).ToHaveTextAsync("That file is not an image (text/javascript); choose a PNG or JPEG (GIF, BMP and TIFF work too).");

        await page.Locator("#image-file").SetInputFilesAsync(new FilePayload { Name = "digit.webp", MimeType = "image/webp", Buffer = "RIFF\0\0\0\0WEBP"u8.ToArray() });
        await Expect(page.Locator("#explore-status")).ToHaveTextAsync("That image is image/webp, which the explorer does not read; choose a PNG or JPEG (GIF, BMP and TIFF work too).");

        await page.Locator("#image-file").SetInputFilesAsync(Image());
        await Expect(page.Locator("#prediction")).ToHaveAttributeAsync("data-predicted", TestModels.VerticalClass.ToString());
        Assert.That(PageErrors[page], Is.Empty);
    }

    // While a chosen file was on its way (the server may wait seconds for a slot) the last file's prediction stayed, with
    // an empty status line: it looked like the new file's answer.
    [Test]
    public async Task WhileAChosenFileIsSent_TheStatusSaysSo_AndTheLastAnswerIsCleared()
    {
        Uri url = await Serve(new DashboardSources(_temp.Combine("runs"), TestModels.SaveStrokeModel(_temp.Combine("strokes.snm"))));
        IPage page = await Open(new Uri(url, "#explore"));
        await Expect(page.Locator("#explore-status")).ToContainTextAsync("Draw a digit");
        await page.Locator("#image-file").SetInputFilesAsync(Image("first.png"));
        await Expect(page.Locator("#prediction")).ToHaveAttributeAsync("data-predicted", TestModels.VerticalClass.ToString());

        // The next upload is held in the browser until the test lets it go.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/model/explore**", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await page.Locator("#image-file").SetInputFilesAsync(new FilePayload { Name = "second.png", MimeType = "image/png", Buffer = StrokeImages.Horizontal() });

        await Expect(page.Locator("#explore-status")).ToHaveTextAsync("Sending second.png to the explorer…");
        await Expect(page.Locator("#prediction")).ToHaveTextAsync(string.Empty);
        await Expect(page.Locator("#prediction")).Not.ToHaveAttributeAsync("data-predicted", new System.Text.RegularExpressions.Regex("."));
        await Expect(page.Locator("#probabilities li")).ToHaveCountAsync(0);

        release.SetResult();
        await Expect(page.Locator("#prediction")).ToHaveAttributeAsync("data-predicted", TestModels.HorizontalClass.ToString());
        await Expect(page.Locator("#explore-status")).ToHaveTextAsync(string.Empty);
        Assert.That(PageErrors[page], Is.Empty);
    }

    // A stopped server showed as the browser's "Failed to fetch" on every tab but Live.
    [Test]
    public async Task AfterTheServerStops_TheExplorerSaysSo_NotFailedToFetch()
    {
        Uri url = await Serve(new DashboardSources(_temp.Combine("runs"), TestModels.SaveStrokeModel(_temp.Combine("strokes.snm"))) { Serving = true });
        IPage page = await Open(new Uri(url, "#explore"));
        await Expect(page.Locator("#explore-status")).ToContainTextAsync("Draw a digit");
        await Expect(page.Locator("#server-stopped")).ToBeHiddenAsync();

        await StopServing();
        await Expect(page.Locator("#server-stopped")).ToHaveTextAsync("The dashboard server stopped (serve was closed or killed). The page keeps what it shows; reload it once the server runs again.");
        await page.Locator("#image-file").SetInputFilesAsync(Image());

        // The banner says it in full; the status line points to it instead of saying it twice.
        await Expect(page.Locator("#explore-status")).ToHaveTextAsync("The server did not answer (see the note above).");
        await Expect(page.Locator("#server-stopped")).ToBeVisibleAsync();

        // The Live tab says it in its own status line, once.
        await page.EvaluateAsync("() => { location.hash = '#live'; }");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("The dashboard server stopped (serve was closed or killed)");
        await Expect(page.Locator("#server-stopped")).ToBeHiddenAsync();
        Assert.That(PageErrors[page], Is.Empty);
    }
}
