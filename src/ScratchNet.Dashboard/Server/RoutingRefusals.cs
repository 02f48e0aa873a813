using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// Gives the refusals made before any endpoint runs (no such route, a method the route does not take, an asset that is
/// not there, a value the route needs missing) the reason every endpoint's own refusal carries: <c>{"error": …}</c> under
/// <c>/api/</c>, a plain line elsewhere. They used to be empty, which left a script or a curl user to guess what was wrong.
/// </summary>
public sealed class RoutingRefusals(Func<IEnumerable<Endpoint>> endpoints)
{
    private readonly Lazy<string> _routes = new(() => Routes(endpoints()));

    /// <summary>True for a request to the API, whose answers are JSON; the page and its assets answer in plain text.</summary>
    public static bool IsApi(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.StartsWithSegments("/api", StringComparison.Ordinal);
    }

    /// <summary>Writes <paramref name="reason"/> as the refusal of <paramref name="context"/>'s request, in the form its path answers in.</summary>
    public static Task Refuse(HttpContext context, int status, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        IResult answer = IsApi(context.Request)
            ? Results.Json(new { error = reason }, statusCode: status)
            : Results.Text(reason, "text/plain; charset=utf-8", statusCode: status);
        return answer.ExecuteAsync(context);
    }

    /// <summary>Middleware: lets the request through, then says why when it was refused with nothing said.</summary>
    public async Task Explain(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        await next(context).ConfigureAwait(false);
        HttpResponse response = context.Response;
        if (response.HasStarted || response.StatusCode < 400 || response.ContentLength is not null || response.ContentType is not null)
        {
            return;
        }

        await Refuse(context, response.StatusCode, Reason(context)).ConfigureAwait(false);
    }

    private string Reason(HttpContext context)
    {
        HttpRequest request = context.Request;
        string path = HostGuard.Shown(request.Path.Value ?? "/", spaces: true);
        string method = HostGuard.Shown(request.Method);
        return context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => $"There is nothing at {path}. The page is at /; the API's routes are {_routes.Value}.",
            StatusCodes.Status405MethodNotAllowed => $"{path} answers {Allowed(context.Response.Headers.Allow.ToString())}, not {method}.",
            _ => $"{context.Response.StatusCode} {ReasonPhrases.GetReasonPhrase(context.Response.StatusCode)}: {method} {path} could not be answered as asked. The page is at /; the API's routes are {_routes.Value}.",
        };
    }

    // "GET, HEAD" reads "GET or HEAD".
    private static string Allowed(string allow)
    {
        string[] methods = [.. allow.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        return methods.Length switch
        {
            0 => "no method",
            1 => methods[0],
            _ => $"{string.Join(", ", methods[..^1])} or {methods[^1]}",
        };
    }

    // "GET /api/live, GET /api/live/events, …, POST /api/model/explore": HEAD goes with every GET, so it is not named.
    private static string Routes(IEnumerable<Endpoint> endpoints) => string.Join(", ", endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText is { } text && text.StartsWith("/api", StringComparison.Ordinal))
        .Select(e => $"{string.Join("/", (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Where(m => !HttpMethods.IsHead(m)))} {e.RoutePattern.RawText}"));
}
