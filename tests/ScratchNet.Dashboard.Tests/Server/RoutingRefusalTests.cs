using System.Net;
using System.Text.Json;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Server;

// Refusals made before any endpoint ran (an unknown route, a wrong method, an asset with no name) were empty, unlike
// every endpoint's own refusal: a curl user or a script got a bare 404 or 405 and had to guess (probe-http U1).
public sealed class RoutingRefusalTests
{
    private TempDirectory _temp = null!;
    private InProcessDashboard _dashboard = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temp = new TempDirectory();
        _dashboard = await InProcessDashboard.StartAsync(new DashboardSources(_temp.Combine("runs")));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _dashboard.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<(HttpResponseMessage Response, string Body)> Send(HttpMethod method, string url)
    {
        HttpResponseMessage response = await _dashboard.Client.SendAsync(new HttpRequestMessage(method, url));
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    [TestCase("/api/run/x")]
    [TestCase("/api/runs/a/b")]
    [TestCase("/api")]
    public async Task AnUnknownApiRoute_IsA404InTheApisShape_NamingTheRoutesThatExist(string url)
    {
        (HttpResponseMessage response, string body) = await Send(HttpMethod.Get, url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(Error(body), Does.StartWith($"There is nothing at {url}.")
            .And.Contain("GET /api/runs, GET /api/runs/{id}").And.Contain("POST /api/model/explore"));
    }

    // A path is repeated as it was asked, spaces and all; a control character is written as an escape.
    [TestCase("/api/runs/copy%20with%20spaces/x", "There is nothing at /api/runs/copy with spaces/x.")]
    [TestCase("/api/runs/line%0Abreak/x", @"There is nothing at /api/runs/line\u000Abreak/x.")]
    public async Task AnUnknownRoute_IsRepeatedAsAsked_ControlCharactersEscaped(string url, string start)
    {
        (HttpResponseMessage response, string body) = await Send(HttpMethod.Get, url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(Error(body), Does.StartWith(start));
    }

    // A long path is cut as every echoed value is (ShownValue); a 5 kB one came back whole.
    [Test]
    public async Task ALongUnknownRoute_IsRepeatedByItsStartAndLength()
    {
        string url = "/api/" + new string('x', 5000);

        (HttpResponseMessage response, string body) = await Send(HttpMethod.Get, url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(Error(body), Does.StartWith("There is nothing at /api/xxx").And.Contain("… (5,005 characters)").And.Not.Contain(url));
    }

    [TestCase("/nothing-here")]
    [TestCase("/assets/")]
    [TestCase("/assets/.")]
    [TestCase("/assets/missing.js")]
    public async Task AnUnknownPageOrAsset_IsA404WithAPlainLine(string url)
    {
        (HttpResponseMessage response, string body) = await Send(HttpMethod.Get, url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        Assert.That(body, Does.StartWith("There is nothing at /").And.Contain("The page is at /;"));
    }

    [Test]
    public async Task AWrongMethod_IsA405NamingTheMethodsTheRouteTakes()
    {
        (HttpResponseMessage response, string body) = await Send(HttpMethod.Delete, "/api/runs");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "HEAD" }));
        Assert.That(Error(body), Is.EqualTo("/api/runs answers GET or HEAD, not DELETE."));

        (HttpResponseMessage page, string line) = await Send(HttpMethod.Post, "/");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(line, Is.EqualTo("/ answers GET or HEAD, not POST."));
    }

    // HTTP asks every GET route to answer HEAD: the API's did not (a bare 405), the page's did.
    [TestCase("/api/live")]
    [TestCase("/api/runs")]
    [TestCase("/api/models")]
    public async Task TheApisReadingRoutes_AnswerHeadAsGet(string url)
    {
        using HttpResponseMessage get = await _dashboard.Client.GetAsync(url);
        using HttpResponseMessage head = await _dashboard.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        Assert.That(head.StatusCode, Is.EqualTo(get.StatusCode));
        Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo(get.Content.Headers.ContentType?.MediaType));
    }

    // A repeated run was joined into "A,A" and reported as a run that has no model (probe-http U4): every name, once.
    [TestCase("/api/model?run=20261127-212631-cb8710b1&run=20261127-212631-cb8710b1", "run is given twice in the query; give it once.")]
    [TestCase("/api/model/weights?layer=0&layer=2&unit=0", "layer is given twice in the query; give it once.")]
    [TestCase("/api/runs?x=1&x=2&x=3", "x is given 3 times in the query; give it once.")]
    public async Task ANameGivenTwiceInTheQuery_IsA400SayingWhich(string url, string reason)
    {
        (HttpResponseMessage response, string body) = await Send(HttpMethod.Get, url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Error(body), Is.EqualTo(reason));
    }

    [Test]
    public async Task ANameGivenTwiceToThePage_IsA400WithAPlainLine()
    {
        (HttpResponseMessage response, string body) = await Send(HttpMethod.Get, "/?v=1&v=2");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body, Is.EqualTo("v is given twice in the query; give it once."));
    }
}
