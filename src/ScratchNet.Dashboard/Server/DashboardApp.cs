using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScratchNet.Dashboard.Explorer;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Runs;
using ScratchNet.Data.Imaging;
using ScratchNet.Models;
using ScratchNet.Core.Layers;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// The dashboard's web application (ASP.NET Core minimal APIs): the page and its assets, the live feed as
/// Server-Sent Events, the runs folder, and the model explorer. Built without the default configuration sources, so
/// nothing but the Dashboard options decides where and how it listens.
/// </summary>
public static class DashboardApp
{
    /// <summary>The largest upload the explorer takes; the image itself must also be within 4096 × 4096 pixels, as for predict.</summary>
    public const long MaxUploadBytes = 16L << 20;

    /// <summary>How many uploads the explorer prepares at once; the page sends one at a time, so more are another tab's or a script's.</summary>
    public const int MaxConcurrentExplores = 2;

    /// <summary>How long an upload waits for one of the <see cref="MaxConcurrentExplores"/> slots before it is answered 429 (the page then retries).</summary>
    public static readonly TimeSpan ExploreWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The Content-Types the explorer takes: those of the formats <see cref="MnistImagePreprocessor"/> decodes (it goes by the
    /// bytes, not the type), and raw bytes. A CORS-safelisted type (text/plain, a form) is one a page elsewhere may send
    /// without asking first; none of these is.
    /// </summary>
    public static IReadOnlySet<string> ImageTypes { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "image/png", "image/jpeg", "image/jpg", "image/pjpeg", "image/gif", "image/bmp", "image/x-bmp", "image/x-ms-bmp", "image/tiff",
        "image/x-tga", "image/x-targa", "image/tga", "image/x-portable-bitmap", "image/x-portable-graymap", "image/x-portable-pixmap",
        "image/x-portable-anymap", "application/octet-stream",
    };

    // Every reading route answers HEAD as GET does, without the body (HTTP asks it of every GET: curl -I, link checkers).
    private static readonly string[] Reading = [HttpMethods.Get, HttpMethods.Head];

    /// <param name="configureHost">Chooses the server: Kestrel by default (see <see cref="DashboardServer"/>); tests plug in an in-memory one.</param>
    public static WebApplication Create(DashboardOptions options, LiveFeed feed, DashboardSources sources, ILoggerFactory loggerFactory, Action<WebApplicationBuilder> configureHost)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(configureHost);
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddLogging();
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, EmbeddedLifetime>());
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.Services.AddRoutingCore();
        var hosts = new HostGuard(AllowedHosts(options), loggerFactory.CreateLogger<HostGuard>());
        var runs = new RunCatalog(new RunsFolder(sources.RunsDirectory));
        builder.Services.AddSingleton(feed);
        builder.Services.AddSingleton(sources);
        builder.Services.AddSingleton(runs);
        builder.Services.AddSingleton(new ModelCatalog(runs.Folder, sources.ModelFile));
        builder.Services.AddSingleton(new StaticAssets());
        builder.Services.AddSingleton(new ExploreGate(MaxConcurrentExplores, ExploreWait));
        builder.Services.AddSingleton(ShownPaths.For(options, sources));
        configureHost(builder);

        WebApplication app = builder.Build();
        app.Use(async (context, next) =>
        {
            IHeaderDictionary headers = context.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
            if (hosts.Refusal(context.Request) is { } wrongHost)
            {
                // Plain text: a browser shows it as it is, and it is read before any page or script runs.
                await Results.Text(wrongHost, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            if (SameOriginGuard.Refusal(context.Request) is { } refusal)
            {
                await Problem(StatusCodes.Status403Forbidden, refusal).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.Use(new RoutingRefusals(() => ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints)).Explain);
        app.Use(RepeatedQuery.Refuse);
        app.UseRouting();
        MapPage(app);
        MapLive(app);
        MapRuns(app);
        MapExplorer(app);
        return app;
    }

    /// <summary>
    /// The names a request's Host header may give: a web page cannot reach the dashboard by rebinding its own name to this
    /// machine's address (DNS rebinding), on loopback or on a network. Local names always; the configured address (127.0.0.2,
    /// 192.0.2.7), so the URL the log gives is answered; on an address others can reach, the machine's name (and its mDNS
    /// name.local), and for a wildcard every address the start line names; then Dashboard:AllowedHosts.
    /// </summary>
    public static IList<string> AllowedHosts(DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hosts = new List<string> { "localhost", "127.0.0.1", "[::1]" };
        if (IsLoopback(options.Address))
        {
            hosts.Add(HostName(options.Address));
        }
        else
        {
            string machine = Dns.GetHostName();
            hosts.Add(machine);
            hosts.Add($"{machine}.local");
            // The wildcards themselves are not names: the host filter takes 0.0.0.0 and [::] as "any host".
            IPAddress address = IPAddress.Parse(options.Address);
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            {
                hosts.AddRange(DashboardServer.ReachableUrls(address, 80).Select(u => u.Host));
            }
            else
            {
                hosts.Add(HostName(options.Address));
            }
        }

        hosts.AddRange(options.AllowedHostNames());
        return [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    // An IPv6 address is written in brackets in a Host header.
    private static string HostName(string address) =>
        IPAddress.TryParse(address, out IPAddress? ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : address;

    /// <summary>True for addresses that only this machine can reach.</summary>
    public static bool IsLoopback(string address) =>
        string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(address, out IPAddress? ip) && IPAddress.IsLoopback(ip));

    private static void MapPage(WebApplication app)
    {
        app.MapMethods("/", Reading, (StaticAssets assets) => assets.Serve("index.html"));
        app.MapMethods("/assets/{**name}", Reading, (string? name, StaticAssets assets) => assets.Serve(name));
    }

    private static void MapLive(WebApplication app)
    {
        app.MapMethods("/api/live", Reading, (LiveFeed feed, DashboardSources sources, ShownPaths paths, HttpRequest request) => new { live = feed.HasRun, serving = sources.Serving, port = request.Host.Port, browse = paths.Text(sources.BrowseCommand) });
        app.MapMethods("/api/live/events", Reading, (LiveFeed feed, DashboardSources sources, HttpRequest request, CancellationToken cancellation) =>
        {
            // No training reports to serve: a subscription would hold one of the places and never carry a thing.
            if (sources.Serving)
            {
                return Problem(StatusCodes.Status404NotFound, "serve has no live feed: it shows saved runs, and no training reports to it. To watch a run live, start train --dashboard --Dashboard:Port=N on a free port and open that port.");
            }

            // A HEAD is told what a GET would get, and takes no place.
            if (HttpMethods.IsHead(request.Method))
            {
                return Results.Text(string.Empty, "text/event-stream");
            }

            if (feed.TrySubscribe(request.Headers["Last-Event-ID"]) is not { } subscription)
            {
                request.HttpContext.Response.Headers.RetryAfter = "10";
                return Problem(StatusCodes.Status503ServiceUnavailable, $"The dashboard already serves {LiveFeed.MaxSubscribers} live pages; close some of its tabs.");
            }

            // Left when the request ends, even one cut off before its stream began.
            request.HttpContext.Response.RegisterForDispose(subscription);
            return new EventStream(Events(feed, subscription, cancellation));
        });
    }

    // The history so far (after the update a reconnecting page names), then every update as it comes; leaving (the page closes) unsubscribes.
    private static async IAsyncEnumerable<SseItem<string>> Events(LiveFeed feed, Subscription subscription, [EnumeratorCancellation] CancellationToken cancellation)
    {
        foreach (SentEvent sent in subscription.Replay)
        {
            yield return Item(feed, sent);
        }

        await foreach (SentEvent sent in subscription.Updates.ReadAllAsync(cancellation).ConfigureAwait(false))
        {
            yield return Item(feed, sent);
        }
    }

    // "stream-number": the page starts over when the stream changes (a new process on the same port), and skips numbers it has seen.
    private static SseItem<string> Item(LiveFeed feed, SentEvent sent) => new(sent.Json, sent.Type) { EventId = feed.EventId(sent) };

    private static void MapRuns(WebApplication app)
    {
        // Paths of this machine in a run's files (its configuration's values and sources) are written by ShownPaths' rule.
        app.MapMethods("/api/runs", Reading, (RunCatalog runs, ShownPaths paths) => runs.List().Select(paths.Of).ToList());
        app.MapMethods("/api/runs/{id}", Reading, (string id, RunCatalog runs, ShownPaths paths) =>
            runs.Details(id) is { } details ? Results.Ok(paths.Of(details)) : Problem(StatusCodes.Status404NotFound, $"There is no run '{id}' in the runs folder."));
    }

    private static void MapExplorer(WebApplication app)
    {
        app.MapMethods("/api/models", Reading, (ModelCatalog models) => models.List());
        app.MapMethods("/api/model", Reading, (string? run, ModelCatalog models, ShownPaths paths) => WithModel(models, paths, run, explorer => Results.Ok(explorer.Description)));
        app.MapMethods("/api/model/weights", Reading, (string? run, string? layer, string? unit, ModelCatalog models, ShownPaths paths) =>
            WithModel(models, paths, run, explorer => Results.Ok(explorer.IncomingWeights(explorer.CheckDenseLayer(Whole(layer, "layer") ?? throw Missing("layer")), Whole(unit, "unit") ?? throw Missing("unit")))));
        app.MapPost("/api/model/explore", async (HttpRequest request, string? run, string? label, ModelCatalog models, ExploreGate gate, ShownPaths paths, CancellationToken cancellation) =>
        {
            if (!IsImageType(request.ContentType))
            {
                return Problem(StatusCodes.Status415UnsupportedMediaType, $"Send the image as the request body with Content-Type image/png or image/jpeg (image/gif, image/bmp, image/tiff, image/x-tga and image/x-portable-anymap are read too, and application/octet-stream for raw bytes); got '{ScratchNet.Files.ShownValue.Of(request.ContentType ?? "")}'.");
            }

            using IDisposable? slot = await gate.EnterAsync(cancellation).ConfigureAwait(false);
            if (slot is null)
            {
                request.HttpContext.Response.Headers.RetryAfter = "1";
                return Problem(StatusCodes.Status429TooManyRequests, $"The explorer is already preparing {gate.Limit} images; try again in a moment.");
            }

            byte[]? upload = await ReadBounded(request, MaxUploadBytes, cancellation).ConfigureAwait(false);
            if (upload is null)
            {
                return Problem(StatusCodes.Status413PayloadTooLarge, $"The image is larger than {MaxUploadBytes} bytes; send a smaller PNG or JPEG.");
            }

            return WithModel(models, paths, run, explorer =>
            {
                if (explorer.Field is not { } field)
                {
                    return Problem(StatusCodes.Status422UnprocessableEntity, $"This model takes {explorer.InputSize} inputs, but the explorer makes grey images: one channel, or a flat vector of a square image's pixels.");
                }

                // Decoding runs on this thread from start to end, so its allocations are this thread's.
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    using var stream = new MemoryStream(upload, writable: false);
                    float[] input = MnistImagePreprocessor.Load(stream, "the uploaded image", field);
                    return Results.Ok(explorer.Trace(input, Whole(label, "label")));
                }
                finally
                {
                    ReleaseAfterLargeImage(GC.GetAllocatedBytesForCurrentThread() - allocated);
                }
            });
        });
    }

    // One place turns the explorer's failures into answers: a missing model, a damaged file, a bad image or argument.
    // Reasons name a model by its place in the runs folder already; one that holds a path of this machine (an I/O error's
    // own words) is written by ShownPaths' rule like every other answer.
    private static IResult WithModel(ModelCatalog models, ShownPaths paths, string? run, Func<ModelExplorer, IResult> use)
    {
        try
        {
            ModelExplorer? explorer = models.Open(run);
            return explorer is null
                ? Problem(StatusCodes.Status404NotFound, run is null ? "No model was given: start with serve --model FILE, or choose a run." : $"The run '{run}' has no model.snm.")
                : use(explorer);
        }
        catch (ModelFileException e)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, paths.Text(e.Message)!);
        }
        catch (InputImageException e)
        {
            return Problem(StatusCodes.Status400BadRequest, paths.Text(e.Message)!);
        }
        catch (ArgumentException e)
        {
            // The explorer's own words, without .NET's "(Parameter 'unit')" suffix.
            int suffix = e.Message.IndexOf(" (Parameter", StringComparison.Ordinal);
            return Problem(StatusCodes.Status400BadRequest, suffix > 0 ? e.Message[..suffix] : e.Message);
        }
    }

    // Whole-number query values are read here rather than bound by the framework, whose refusals are 400s with no body.
    // A name given twice never gets here (RepeatedQuery refuses it first). Null when the value is absent.
    private static int? Whole(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"{name} must be a whole number, given once; got '{ScratchNet.Files.ShownValue.Of(text)}'");
    }

    /// <summary>An upload whose preparation allocated more than this gives its memory back to the system when it is done.</summary>
    public const long LargeImageBytes = 32L << 20;

    // A 4096 × 4096 image allocates up to ~115 MB of large arrays (under 7 bytes a pixel: MnistImagePreprocessorTests).
    // The GC would reuse them, but keeps them from the system in the meantime: six uploads, one after another, once left
    // serve at 1.4 GB for good. An image that large is
    // rare (the page's own drawing is 280 × 280), so the cost of a full, compacting collection after one is not. The
    // decoder's native blocks go back to the C library when freed, which keeps them unless trimmed (NativeHeap).
    private static void ReleaseAfterLargeImage(long allocated)
    {
        if (allocated > LargeImageBytes)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            NativeHeap.Trim();
        }
    }

    private static bool IsImageType(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var type) && type.MediaType.Value is { } name && ImageTypes.Contains(name);

    private static ArgumentException Missing(string name) => new($"{name} is missing: add {name}=N to the query");

    private static IResult Problem(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    /// <returns>The body, or null when it is longer than <paramref name="limit"/> (reading stops there).</returns>
    private static async Task<byte[]?> ReadBounded(HttpRequest request, long limit, CancellationToken cancellation)
    {
        // A declared length over the limit is refused unread: Kestrel, whose MaxRequestBodySize is the same limit, would
        // throw on the first read, and the exception would escape as a logged stack trace and an empty 413.
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
            {
                if (copy.Length + read > limit)
                {
                    return null;
                }

                copy.Write(buffer, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own limit reached first (a chunked body): the same answer as ours.
            return null;
        }

        return copy.ToArray();
    }
}
