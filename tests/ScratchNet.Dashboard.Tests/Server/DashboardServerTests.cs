using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Server;

public sealed class DashboardServerTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private DashboardServer Server(string address, LiveFeed? feed = null, ILoggerFactory? logs = null, int port = 0) => new(
        Microsoft.Extensions.Options.Options.Create(new DashboardOptions { Enabled = true, Port = port, Address = address }),
        feed ?? new LiveFeed(), new DashboardSources(_temp.Combine("runs")), logs ?? NullLoggerFactory.Instance, (logs ?? NullLoggerFactory.Instance).CreateLogger<DashboardServer>());

    // The console lifetime of its own answered Ctrl+C as the server bound its port, cancelling the bind before the program
    // had answered the signal: train --dashboard ended with a bare "Interrupted." above "training has not begun".
    [Test]
    public async Task TheDashboardHandlesNoStopSignalOfItsOwn_TheProgramsHostAnswersThem()
    {
        await using DashboardServer server = Server("127.0.0.1");
        await server.StartAsync(CancellationToken.None);

        Assert.That(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Hosting.IHostLifetime>(server.Services!), Is.TypeOf<EmbeddedLifetime>());
    }

    [TestCase("0.0.0.0")]
    [TestCase("::")]
    public async Task AWildcardAddress_LogsTheHostNameAndTheAddressesOthersCanOpen_NotTheWildcard(string wildcard)
    {
        var logs = new ListLogger();
        await using DashboardServer server = Server(wildcard, logs: logs);
        await server.StartAsync(CancellationToken.None);
        string line = logs.Entries.Single(e => e.Message.StartsWith("Dashboard at ", StringComparison.Ordinal)).Message;

        Assert.That(line, Does.Not.Contain("0.0.0.0").And.Not.Contain("[::]"));
        Assert.That(line, Does.Contain($"http://{Dns.GetHostName().ToLowerInvariant()}:{server.Url!.Port}/"));
        string[] urls = [.. line["Dashboard at ".Length..].Split(' ').TakeWhile(u => u.StartsWith("http://", StringComparison.Ordinal))];
        Assert.That(urls, Is.EqualTo(DashboardServer.ReachableUrls(IPAddress.Parse(wildcard), server.Url.Port).Select(u => u.ToString())));

        // Each of them answers (this machine can reach its own interface addresses).
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (string url in urls.Skip(1))
        {
            Assert.That((await client.GetAsync(new Uri(new Uri(url), "api/live"))).StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
        }
    }

    // The closing line gave serve --runs DIR even for the default folder, where the page's end note says plain serve.
    [TestCase(true)]
    [TestCase(false)]
    public async Task ClosingWithARun_SaysThePageIsGoneAndHowToBrowseTheRunStill_AsThePageDoes_ServeAloneSaysNothing(bool defaultRuns)
    {
        var logs = new ListLogger();
        var feed = new LiveFeed();
        feed.Start();
        feed.Publish(new LiveEvent(LiveEventTypes.Run, new { epochs = 3 }));
        var sources = new DashboardSources(_temp.Combine("runs")) { DefaultRunsDirectory = defaultRuns };
        await using (var server = new DashboardServer(
            Microsoft.Extensions.Options.Options.Create(new DashboardOptions { Enabled = true, Port = 0 }), feed, sources, logs, logs.CreateLogger<DashboardServer>()))
        {
            await server.StartAsync(CancellationToken.None);
            await server.StopAsync(CancellationToken.None);
        }

        string command = defaultRuns ? "serve" : $"serve --runs {_temp.Combine("runs")}";
        Assert.That(sources.ClosingBrowseCommand(), Is.EqualTo(command), "the page's end note");
        Assert.That(logs.Entries.Select(e => e.Message), Has.One.EqualTo($"The dashboard closed with the run; its curves, configuration and confusion matrix stay browsable with: {command}"));

        var quiet = new ListLogger();
        await using (DashboardServer serve = Server("127.0.0.1", logs: quiet))
        {
            await serve.StartAsync(CancellationToken.None);
            await serve.StopAsync(CancellationToken.None);
        }

        Assert.That(quiet.Entries.Select(e => e.Message), Has.None.Contains("closed with the run"));
    }

    [Test]
    public async Task ClosingAfterARunResumedFromAnotherFolder_NamesTheFolderThatHoldsIt_NotTheConfiguredOne()
    {
        // train --resume r2/ID --dashboard with Run:Directory left at runs: the run stays in r2.
        string resumed = Path.Combine(_temp.Combine("r2"), "20261127-052445-cc48419f");
        Directory.CreateDirectory(resumed);
        var logs = new ListLogger();
        var feed = new LiveFeed();
        feed.Start();
        feed.Publish(new LiveEvent(LiveEventTypes.Run, new { epochs = 3 }));
        await using (var server = new DashboardServer(
            Microsoft.Extensions.Options.Options.Create(new DashboardOptions { Enabled = true, Port = 0 }), feed,
            new DashboardSources(_temp.Combine("runs")) { LiveRunFolder = () => resumed }, logs, logs.CreateLogger<DashboardServer>()))
        {
            await server.StartAsync(CancellationToken.None);
            await server.StopAsync(CancellationToken.None);
        }

        Assert.That(logs.Entries.Select(e => e.Message), Has.One.EndsWith($"stay browsable with: serve --runs {_temp.Combine("r2")}"));
    }

    // Kestrel waits for a request in flight until the stop's token fires, and the host's fires after 30 s: one connection
    // that sent a request line and never the end of its headers kept train --dashboard and serve from exiting that long.
    [Test]
    public async Task AHalfSentRequest_DoesNotHoldTheStopPastItsPatience()
    {
        await using DashboardServer server = Server("127.0.0.1");
        await server.StartAsync(CancellationToken.None);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Url!.Port);
        System.Net.Sockets.NetworkStream stream = client.GetStream();

        // One whole request answered first, so the server holds this connection before the half one is sent on it.
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /api/live HTTP/1.1\r\nHost: {server.Url.Authority}\r\n\r\n"));
        var buffer = new byte[4096];
        Assert.That(await stream.ReadAsync(buffer), Is.GreaterThan(0));
        await stream.WriteAsync("GET /api/live/events HTTP/1.1\r\n"u8.ToArray());

        Task stop = server.StopAsync(CancellationToken.None);
        Task beyond = Task.Delay(DashboardServer.StopPatience + TimeSpan.FromSeconds(12));

        Assert.That(await Task.WhenAny(stop, beyond), Is.SameAs(stop), "the stop is bounded by its own patience, not by the client");
    }

    [Test]
    public async Task ALoopbackAddressOtherThan127001_AnswersTheUrlItLogs()
    {
        await using DashboardServer server = Server("127.0.0.2");
        await server.StartAsync(CancellationToken.None);
        using var client = new HttpClient();

        HttpResponseMessage response = await client.GetAsync(new Uri(server.Url!, "api/live"));

        Assert.That(server.Url!.Host, Is.EqualTo("127.0.0.2"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Localhost_AnswersOnBothLoopbacks()
    {
        await using DashboardServer server = Server("localhost", port: FreePortOnBothLoopbacks());
        await server.StartAsync(CancellationToken.None);
        using var client = new HttpClient();

        foreach (string host in new[] { "127.0.0.1", "[::1]" })
        {
            HttpResponseMessage response = await client.GetAsync(new Uri($"http://{host}:{server.Url!.Port}/api/live"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), host);
        }
    }

    private static int FreePortOnBothLoopbacks()
    {
        var v6 = new System.Net.Sockets.TcpListener(IPAddress.IPv6Loopback, 0);
        v6.Start();
        int port = ((IPEndPoint)v6.LocalEndpoint).Port;
        var v4 = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
        v4.Start();
        v4.Stop();
        v6.Stop();
        return port;
    }

    [Test]
    public async Task AnAddressThisMachineDoesNotHave_IsOneClearLine()
    {
        // 192.0.2.0/24 is reserved for documentation: no machine has it.
        await using DashboardServer server = Server("192.0.2.1");

        var error = Assert.ThrowsAsync<DashboardUnavailableException>(() => server.StartAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("the dashboard cannot listen on 192.0.2.1:0 (").And.Contain("--Dashboard:Address"));
    }

    [Test]
    public async Task DisposedWithoutAStop_AsAFailedCommandLeaves_ItDeliversTheEndAndLogsNoError()
    {
        var logs = new ListLogger();
        var feed = new LiveFeed();
        DashboardServer server = Server("127.0.0.1", feed, logs);
        await server.StartAsync(CancellationToken.None);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // A run under way, as a page that opens the feed finds it.
        feed.Publish(new LiveEvent(LiveEventTypes.Run, new { epochs = 3 }));
        using HttpResponseMessage events = await client.GetAsync(new Uri(server.Url!, "api/live/events"), HttpCompletionOption.ResponseHeadersRead);
        feed.Publish(new LiveEvent(LiveEventTypes.End, new RunEnd(RunOutcomes.Diverged, 1, null, null, "Training diverged")));

        await server.DisposeAsync();
        string stream = await new StreamReader(await events.Content.ReadAsStreamAsync()).ReadToEndAsync();

        Assert.That(stream, Does.Contain("event: end"));
        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Error), Is.Empty);
    }
}
