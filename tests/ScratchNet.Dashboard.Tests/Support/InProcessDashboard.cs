using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;

namespace ScratchNet.Dashboard.Tests.Support;

/// <summary>The dashboard's real application on an in-memory server: requests go through routing, filters and endpoints, no socket.</summary>
internal sealed class InProcessDashboard : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessDashboard(WebApplication app, LiveFeed feed)
    {
        _app = app;
        Feed = feed;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public LiveFeed Feed { get; }

    /// <summary>The application's services, for a test that holds what a request would (the explorer's slots).</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<InProcessDashboard> StartAsync(DashboardSources sources, LiveFeed? feed = null, DashboardOptions? options = null, Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
    {
        feed ??= new LiveFeed();
        WebApplication app = DashboardApp.Create(options ?? new DashboardOptions { Enabled = true }, feed, sources, logs ?? NullLoggerFactory.Instance, builder => builder.WebHost.UseTestServer());
        await app.StartAsync();
        feed.Start();
        return new InProcessDashboard(app, feed);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
