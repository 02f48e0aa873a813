using Microsoft.AspNetCore.Http;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// Refuses a request that changes or costs something (any method but GET and HEAD) unless it comes from the dashboard's
/// own page. Another web page the user visits can send a "simple" cross-origin POST without a preflight; the host filter
/// does not stop it (the Host is still 127.0.0.1), and though that page cannot read the answer, the server still does the work.
/// </summary>
public static class SameOriginGuard
{
    /// <summary>The reason to refuse <paramref name="request"/>, or null when it may go on.</summary>
    public static string? Refusal(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return null;
        }

        // Browsers say where a request comes from in Sec-Fetch-Site, and put Origin on every cross-origin POST.
        string site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && !site.Equals("same-origin", StringComparison.OrdinalIgnoreCase) && !site.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return $"This request came from another web page (Sec-Fetch-Site: {site}); the dashboard takes uploads only from its own page.";
        }

        string origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOwn(origin, request))
        {
            return $"This request came from another web page ({origin}); the dashboard takes uploads only from its own page at {request.Scheme}://{request.Host}.";
        }

        return null;
    }

    // "null" (a sandboxed frame, a file: page) is nobody's own origin.
    private static bool IsOwn(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
        && uri.Scheme.Equals(request.Scheme, StringComparison.OrdinalIgnoreCase)
        && uri.Authority.Equals(request.Host.Value, StringComparison.OrdinalIgnoreCase)
        && uri.AbsolutePath == "/";
}
