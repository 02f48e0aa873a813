using System.Net;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Server;

// With Dashboard:Address=0.0.0.0 any Host was answered, so a web site visited from the network could rebind its own name
// to the machine's address and read the runs (DNS rebinding); on loopback only local names were answered already.
public sealed class HostFilterTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private async Task<HttpStatusCode> Status(DashboardOptions options, string host)
    {
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(new DashboardSources(_temp.Combine("runs")), options: options);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        request.Headers.Host = host;
        return (await dashboard.Client.SendAsync(request)).StatusCode;
    }

    [TestCase("0.0.0.0")]
    [TestCase("::")]
    public async Task AWildcardAddress_RefusesAnotherSitesName(string wildcard) =>
        Assert.That(await Status(new DashboardOptions { Enabled = true, Address = wildcard }, "rebind.evil.example:5757"), Is.EqualTo(HttpStatusCode.BadRequest));

    [TestCase("0.0.0.0")]
    [TestCase("::")]
    public async Task AWildcardAddress_AnswersEveryNameItsStartLinePrints_AndLocalhost(string wildcard)
    {
        var options = new DashboardOptions { Enabled = true, Address = wildcard };
        string[] printed = [.. DashboardServer.ReachableUrls(IPAddress.Parse(wildcard), 5757).Select(u => u.Authority), "localhost:5757", "127.0.0.1:5757"];

        foreach (string host in printed)
        {
            Assert.That(await Status(options, host), Is.EqualTo(HttpStatusCode.OK), host);
        }
    }

    [Test]
    public async Task AllowedHosts_AddNamesOfTheUsersChoosing()
    {
        var options = new DashboardOptions { Enabled = true, Address = "0.0.0.0", AllowedHosts = "dash.example.org, *.lab.example" };

        Assert.That(await Status(options, "dash.example.org:5757"), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Status(options, "gpu1.lab.example"), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Status(options, "example.org"), Is.EqualTo(HttpStatusCode.BadRequest));
    }

    // localhost:99999 was answered, and /api/live echoed the port 99999 into serve's hint (probe-http U5).
    [TestCase("localhost:99999", "99999")]
    [TestCase("localhost:0", "0")]
    [TestCase("127.0.0.1:65536", "65536")]
    [TestCase("[::1]:123456", "123456")]
    public async Task AHostWithAPortNoConnectionCanHave_IsA400SayingSo(string host, string port)
    {
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(new DashboardSources(_temp.Combine("runs")));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/live");
        request.Headers.TryAddWithoutValidation("Host", host);

        using HttpResponseMessage refused = await dashboard.Client.SendAsync(request);

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain($"gives the port {port}, which no connection can have (ports are 1 to 65535)"));
    }

    [TestCase("localhost:1")]
    [TestCase("localhost:65535")]
    [TestCase("[::1]:5757")]
    [TestCase("localhost")]
    public async Task AHostWithARealPortOrNone_IsAnswered(string host) =>
        Assert.That(await Status(new DashboardOptions { Enabled = true }, host), Is.EqualTo(HttpStatusCode.OK));

    // A bare "Bad Request - Invalid Hostname" and a silent console left a learner who opened the page as vm.lan without a hint.
    [Test]
    public async Task ARefusedName_IsToldTheNamesAnsweredAndTheOption_AndTheConsoleWarnsOncePerName()
    {
        using var logs = new ListLogger();
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(
            new DashboardSources(_temp.Combine("runs")), options: new DashboardOptions { Enabled = true, Address = "0.0.0.0", AllowedHosts = "dash.example.org" }, logs: logs);

        async Task<HttpResponseMessage> Get(string host)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Host = host;
            return await dashboard.Client.SendAsync(request);
        }

        using HttpResponseMessage refused = await Get("vm.lan:5757");
        await Get("VM.LAN:5757");
        await Get("vm.lan");

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(refused.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        string body = await refused.Content.ReadAsStringAsync();
        Assert.That(body, Does.Contain("answers only to the names localhost, 127.0.0.1, [::1], ").And.Contain("dash.example.org")
            .And.Contain("asked for vm.lan.").And.Contain("--Dashboard:AllowedHosts=vm.lan"));
        string[] warnings = [.. logs.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("refused", StringComparison.Ordinal)).Select(e => e.Message)];
        Assert.That(warnings, Has.Length.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("vm.lan").And.Contain("--Dashboard:AllowedHosts=vm.lan"));
    }

    // A scanner trying thousands of names must not flood the console: a warning per name up to a cap, then one more line.
    [Test]
    public async Task ManyRefusedNames_WarnUpToTheCap_ThenSayFurtherOnesAreNotWarnedAbout()
    {
        using var logs = new ListLogger();
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(
            new DashboardSources(_temp.Combine("runs")), options: new DashboardOptions { Enabled = true }, logs: logs);

        for (int i = 0; i < HostGuard.MaxWarnedNames * 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
            request.Headers.Host = $"scan{i}.example";
            Assert.That((await dashboard.Client.SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        string[] warnings = [.. logs.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => e.Message)];
        Assert.That(warnings, Has.Length.EqualTo(HostGuard.MaxWarnedNames + 1));
        Assert.That(warnings[^1], Does.Contain($"{HostGuard.MaxWarnedNames} different names; further names are refused without a warning"));
    }

    [TestCase("dash.example.org,*.lab.example,192.0.2.7,[2001:db8::7],*", true)]
    [TestCase("http://dash.example.org", false)]
    [TestCase("dash.example.org:5757", false)]
    [TestCase("2001:db8::7", false)]
    [TestCase("two words", false)]
    [TestCase("0.0.0.0", false)]
    public void AllowedHosts_AreCheckedAtTheStart(string hosts, bool valid)
    {
        var result = new DashboardOptionsValidator().Validate(null, new DashboardOptions { AllowedHosts = hosts });

        Assert.That(result.Succeeded, Is.EqualTo(valid), result.FailureMessage);
        if (!valid)
        {
            Assert.That(result.FailureMessage, Does.Contain("Dashboard:AllowedHosts holds").And.Contain("without a scheme or port"));
        }
    }
}
