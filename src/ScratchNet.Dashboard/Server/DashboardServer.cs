using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Models;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// Serves the dashboard on Kestrel while the host runs, when <c>Dashboard:Enabled</c> is set: starts before the command
/// (so the URL is logged before training begins) and, on stop, delivers what training queued before it closes.
/// </summary>
public sealed partial class DashboardServer(
    IOptions<DashboardOptions> options, LiveFeed feed, DashboardSources sources, ILoggerFactory loggerFactory, ILogger<DashboardServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private bool _stopped;

    /// <summary>The most connections served at once; Kestrel closes one more at once, unanswered.</summary>
    public const int MaxConnections = 1000;

    /// <summary>How long a stop waits for requests still in flight (a half-sent one, a slow upload) before it cuts them off.</summary>
    public static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(3);

    /// <summary>Where the page is, once started (with the port Kestrel chose when Dashboard:Port is 0).</summary>
    public Uri? Url { get; private set; }

    /// <summary>The application's services while it runs (tests reach its explorer's gate through them); null before the start and after the end.</summary>
    public IServiceProvider? Services => _app?.Services;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        DashboardOptions o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        // A bad --model is refused before the server listens, so serve never logs a URL it will not serve.
        if (sources.ModelFile is { } model)
        {
            ModelFile.Load(model);
        }

        bool localhost = string.Equals(o.Address, "localhost", StringComparison.OrdinalIgnoreCase);
        IPAddress address = localhost ? IPAddress.Loopback : IPAddress.Parse(o.Address);
        WebApplication app = DashboardApp.Create(o, feed, sources, loggerFactory, builder =>
        {
            builder.WebHost.UseKestrelCore();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = DashboardApp.MaxUploadBytes;

                // Live pages are capped by the feed (LiveFeed.MaxSubscribers); this bounds what connections that never
                // finish a request can hold. A browser opens at most 6 per page.
                kestrel.Limits.MaxConcurrentConnections = MaxConnections;
                // localhost is both loopbacks, as a browser may resolve it to either; a free port (0) cannot be
                // asked for twice as one, so that one listens on 127.0.0.1 alone.
                if (localhost && o.Port != 0)
                {
                    kestrel.ListenLocalhost(o.Port);
                }
                else
                {
                    kestrel.Listen(address, o.Port);
                }
            });
        });
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Most often a serve, or another train --dashboard, holds it: a training cannot report to a serve's page.
            await app.DisposeAsync().ConfigureAwait(false);
            throw new DashboardUnavailableException(
                $"the dashboard cannot listen on {o.Address}:{o.Port}: that port is in use (is serve, or another train --dashboard, running?); choose another port with --Dashboard:Port=N (0 picks a free one) and open that port", e);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new DashboardUnavailableException(
                $"the dashboard cannot listen on {o.Address}:{o.Port} ({e.Message}); choose another port with --Dashboard:Port=N (0 picks a free one)", e);
        }
        catch (OperationCanceledException)
        {
            // A stop while it bound its port: the host ends, and nothing listens.
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch (SocketException e)
        {
            // Kestrel reports an address this machine does not have as a bare socket error, not as an IOException.
            await app.DisposeAsync().ConfigureAwait(false);
            throw new DashboardUnavailableException(
                $"the dashboard cannot listen on {o.Address}:{o.Port} ({e.Message}); give an address of this machine with --Dashboard:Address (127.0.0.1 keeps it private), or another port with --Dashboard:Port=N", e);
        }

        _app = app;
        feed.Start();
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://{o.Address}:{o.Port}";
        Url = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            // http://0.0.0.0:5757/ is no address anyone can open: name the ones others can (to put on the board).
            Uri[] reachable = ReachableUrls(address, Url.Port);
            string urls = string.Join(" ", reachable.Select(u => u.ToString()));
            if (sources.Announce is { } announce)
            {
                announce($"{urls} (it listens on every address of this machine)");
            }
            else
            {
                LogListeningEverywhere(logger, urls);
            }
        }
        else if (sources.Announce is { } announce)
        {
            announce(Url.ToString());
        }
        else
        {
            LogListening(logger, Url);
        }

        if (!DashboardApp.IsLoopback(o.Address))
        {
            LogOpen(logger, o.Address);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is null)
        {
            return;
        }

        // What training queued last (its end, the final epoch) still reaches the open pages before they are closed.
        try
        {
            await feed.CompleteAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A page that does not read is not waited for.
        }

        if (feed.Dropped > 0)
        {
            LogDropped(logger, feed.Dropped);
        }

        if (feed.Unsendable > 0)
        {
            LogUnsendable(logger, feed.Unsendable);
        }

        _stopped = true;

        // Kestrel waits for requests in flight until the token fires, and the host's token fires after its 30-s shutdown
        // timeout: one connection that sent half a request's headers kept train --dashboard and serve from exiting that long.
        using (var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            patience.CancelAfter(StopPatience);
            await _app.StopAsync(patience.Token).ConfigureAwait(false);
        }

        // A page opened after this (a student late to class) finds nothing: say so, and where the run can still be seen.
        if (feed.HasRun)
        {
            // The page's end note says the same command (ClosingBrowseCommand): plain serve for the default runs folder.
            LogClosed(logger, sources.ClosingBrowseCommand());
        }
    }

    /// <summary>
    /// Stops first when the host did not (a command that failed ends the process without StopAsync): the pages get what was
    /// queued (a diverged run's end) and requests still in flight finish, instead of meeting a disposed application.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null && !_stopped)
        {
            using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            {
                try
                {
                    await StopAsync(patience.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Requests that do not finish in time are cut off by the dispose below.
                }
            }
        }

        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    /// <summary>
    /// For a wildcard address: this machine's host name, then each address of an interface that is up, not loopback and
    /// not link-local (those need a zone), of the family the wildcard listens on (:: listens on both).
    /// </summary>
    public static Uri[] ReachableUrls(IPAddress wildcard, int port)
    {
        var urls = new List<Uri> { new UriBuilder(Uri.UriSchemeHttp, Dns.GetHostName(), port).Uri };
        IEnumerable<IPAddress> addresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => a.Address))
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal
                && (a.AddressFamily == AddressFamily.InterNetwork || wildcard.AddressFamily == AddressFamily.InterNetworkV6))
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1);
        urls.AddRange(addresses.Select(a => new UriBuilder(Uri.UriSchemeHttp, a.ToString(), port).Uri));
        return [.. urls.DistinctBy(u => u.ToString())];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The dashboard closed with the run; its curves, configuration and confusion matrix stay browsable with: {BrowseCommand}")]
    private static partial void LogClosed(ILogger logger, string browseCommand);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard at {Url}")]
    private static partial void LogListening(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard at {Urls} (it listens on every address of this machine)")]
    private static partial void LogListeningEverywhere(ILogger logger, string urls);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard listens on {Address}, which other machines can reach; it has no password. Use 127.0.0.1 to keep it private.")]
    private static partial void LogOpen(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "The dashboard dropped {Dropped} updates because the page could not keep up; training did not wait")]
    private static partial void LogDropped(ILogger logger, long dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard skipped {Unsendable} updates it could not serialise; the page missed them, training did not")]
    private static partial void LogUnsendable(ILogger logger, long unsendable);
}
