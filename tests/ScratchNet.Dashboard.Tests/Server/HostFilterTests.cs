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
