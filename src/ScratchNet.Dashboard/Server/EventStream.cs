using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// Server-Sent Events whose status line and headers go out at once. ASP.NET's own result sends them with the first event,
/// so a page (or curl) that subscribed before a run reported anything waited with no answer at all, unable to tell a
/// stream that has not begun from a server that does not answer.
/// </summary>
public sealed class EventStream(IAsyncEnumerable<SseItem<string>> events) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        HttpResponse response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.ContentEncoding = "identity";
        httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        await response.StartAsync(httpContext.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
        await SseFormatter.WriteAsync(events, response.Body, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
