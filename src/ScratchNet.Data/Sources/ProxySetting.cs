using System.Net;

namespace ScratchNet.Data.Sources;

/// <summary>
/// The proxy a request goes through and the variable that set it, so that a dead proxy is reported as such: its refused
/// connection otherwise reads as the mirror being out of reach, and the learner looks for the fault in the wrong place.
/// </summary>
public static class ProxySetting
{
    /// <summary>
    /// Why <paramref name="url"/> could not be reached when the connection that failed was to its proxy: "through the proxy
    /// HOST:PORT (set by HTTPS_PROXY): REASON; check …", the variable left out where none names the proxy; null when
    /// <paramref name="url"/> is fetched directly.
    /// </summary>
    public static string? Failure(Uri url, IWebProxy? proxy, string reason)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (proxy is null || proxy.IsBypassed(url) || proxy.GetProxy(url) is not { } through || through == url)
        {
            return null;
        }

        return Variable(url, through) is { } variable
            ? $"through the proxy {through.Authority} (set by {variable}): {reason}; check that the proxy runs, or unset {variable} to connect directly"
            : $"through the proxy {through.Authority}: {reason}; check that the proxy runs, or the system's proxy setting";
    }

    /// <summary>The first variable, in the order .NET reads them, whose value names <paramref name="through"/>.</summary>
    private static string? Variable(Uri url, Uri through)
    {
        string[] names = url.Scheme == Uri.UriSchemeHttps
            ? ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
            : ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"];
        foreach (string name in names)
        {
            string? value = Environment.GetEnvironmentVariable(name)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            // A proxy variable may leave out the scheme ("proxy.example:3128"), which .NET reads as http.
            string withScheme = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
            if (Uri.TryCreate(withScheme, UriKind.Absolute, out Uri? named)
                && string.Equals(named.Host, through.Host, StringComparison.OrdinalIgnoreCase) && named.Port == through.Port)
            {
                return name;
            }
        }

        return null;
    }
}
