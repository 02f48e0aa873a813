using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ScratchNet.Dashboard.Explorer;
using ScratchNet.Dashboard.Server;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Explorer;

/// <summary>Only the dashboard's own page may make the explorer decode an upload, and only a few at a time.</summary>
public sealed class ExploreGuardTests
{
    private TempDirectory _temp = null!;
    private InProcessDashboard _dashboard = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temp = new TempDirectory();
        string runs = _temp.Combine("runs");
        Directory.CreateDirectory(runs);
        _dashboard = await InProcessDashboard.StartAsync(new DashboardSources(runs, TestModels.SaveStrokeModel(_temp.Combine("given.snm"))));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _dashboard.DisposeAsync();
        _temp.Dispose();
    }

    private Task<HttpResponseMessage> Explore(string contentType, params (string Name, string Value)[] headers) => Explore(StrokeImages.Vertical(), contentType, headers);

    private Task<HttpResponseMessage> Explore(byte[] image, string contentType, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/model/explore") { Content = new ByteArrayContent(image) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach ((string name, string value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return _dashboard.Client.SendAsync(request);
    }

    private static async Task<string> Error(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;

    [TestCase("Origin", "https://evil.example")]
    [TestCase("Origin", "http://localhost:8899")]
    [TestCase("Origin", "null")]
    [TestCase("Sec-Fetch-Site", "cross-site")]
    [TestCase("Sec-Fetch-Site", "same-site")]
    public async Task AnUploadFromAnotherPage_IsRefused(string header, string value)
    {
        HttpResponseMessage response = await Explore("image/png", (header, value));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Error(response), Does.Contain("another web page"));
    }

    [Test]
    public async Task AnUploadFromTheDashboardsOwnPage_IsAnswered()
    {
        // The TestServer's requests are addressed to localhost, as a browser's would be to the page's own host.
        string own = $"http://{_dashboard.Client.BaseAddress!.Authority}";

        HttpResponseMessage response = await Explore("image/png", ("Origin", own), ("Sec-Fetch-Site", "same-origin"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [TestCase("application/octet-stream")]
    [TestCase("image/jpeg")]
    [TestCase("image/jpg")] // not registered, but sent by tools that name a type from the .jpg extension
    [TestCase("image/gif")]
    [TestCase("image/bmp")]
    [TestCase("image/tiff")]
    [TestCase("image/x-portable-graymap")]
    public async Task AnImageTypeOrRawBytes_IsAnswered(string contentType)
    {
        HttpResponseMessage response = await Explore(contentType);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    // These three a page elsewhere may send without a preflight.
    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    [TestCase("multipart/form-data; boundary=x")]
    public async Task ATypeAnyPageMaySendUnasked_IsRefused(string contentType)
    {
        HttpResponseMessage response = await Explore(contentType);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(await Error(response), Does.Contain("Content-Type image/png"));
    }

    // Any image/* type was let through, though WebP and SVG never decode, while the 415 named only PNG and JPEG.
    [TestCase("image/webp")]
    [TestCase("image/svg+xml")]
    [TestCase("image/avif")]
    [TestCase("text/javascript")]
    public async Task ATypeOfAFormatThatDoesNotDecode_IsRefused_NamingTheTypesThatDo(string contentType)
    {
        HttpResponseMessage response = await Explore(contentType);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(await Error(response), Is.EqualTo($"Send the image as the request body with Content-Type image/png or image/jpeg (image/gif, image/bmp, image/tiff, image/x-tga and image/x-portable-anymap are read too, and application/octet-stream for raw bytes); got '{contentType}'."));
    }

    [Test]
    public async Task ALargeImage_LeavesNoGarbageBehind()
    {
        // A 4096 × 4096 upload allocates about 190 MB of arrays to prepare; six in a row held serve at 1.4 GB.
        byte[] large = StrokeImages.Png(4096, 4096, (x, y) => Math.Abs(x - 2048) < 300 && y > 600 && y < 3500);
        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);

        for (int i = 0; i < 2; i++)
        {
            HttpResponseMessage response = await Explore(large, "image/png");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        }

        Assert.That(GC.GetTotalMemory(forceFullCollection: false) - before, Is.LessThan(48L << 20), "the uploads' arrays are still held");
    }

    [Test]
    public async Task WhileEverySlotIsTaken_AnUploadIsTurnedAway_AndTheNextOneAfterIsAnswered()
    {
        ExploreGate gate = _dashboard.Services.GetRequiredService<ExploreGate>();
        var held = new List<IDisposable>();
        for (int i = 0; i < DashboardApp.MaxConcurrentExplores; i++)
        {
            held.Add(gate.TryEnter() ?? throw new InvalidOperationException("a slot was taken before the test"));
        }

        HttpResponseMessage busy = await Explore("image/png");
        held.ForEach(slot => slot.Dispose());
        HttpResponseMessage after = await Explore("image/png");

        Assert.That(busy.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(busy.Headers.RetryAfter, Is.Not.Null);
        Assert.That(await Error(busy), Does.Contain("try again"));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK), "each request gives its slot back");
    }

    // Two uploads being prepared elsewhere turned the page's own away at once: it waits for a slot first.
    [Test]
    public async Task AnUploadWaitsForASlot_AndIsAnsweredWhenOneComesFree()
    {
        ExploreGate gate = _dashboard.Services.GetRequiredService<ExploreGate>();
        var held = new List<IDisposable>();
        for (int i = 0; i < DashboardApp.MaxConcurrentExplores; i++)
        {
            held.Add(gate.TryEnter() ?? throw new InvalidOperationException("a slot was taken before the test"));
        }

        Task<HttpResponseMessage> waiting = Explore("image/png");
        SpinWait.SpinUntil(() => gate.Waiting == 1 || waiting.IsCompleted, TimeSpan.FromSeconds(30));
        Assert.That(waiting.IsCompleted, Is.False, "the upload was answered without waiting for a slot");
        held[0].Dispose();
        HttpResponseMessage response = await waiting;
        held.ForEach(slot => slot.Dispose());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
