using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using ScratchNet.Files;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// Answers only requests addressed (by their Host header) to a name of <see cref="DashboardApp.AllowedHosts"/>: a web page
/// cannot reach the dashboard by rebinding its own name to this machine's address (DNS rebinding). ASP.NET's host filter
/// did the same with a bare "Bad Request - Invalid Hostname" and a silent console, so a learner who opened the page by a
/// name the start line did not print (vm.lan, an mDNS name) had no hint; the refusal now names the names it answers to and
/// the option that adds one, and the console warns once per refused name.
/// </summary>
public sealed partial class HostGuard
{
    /// <summary>How many distinct refused names the console warns about; a scanner trying thousands logs no more than this.</summary>
    public const int MaxWarnedNames = 16;

    private readonly IList<StringSegment> _patterns;
    private readonly bool _anyHost;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _warned = new(StringComparer.OrdinalIgnoreCase);
    private bool _stoppedWarning;

    public HostGuard(IList<string> allowedHosts, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(allowedHosts);
        ArgumentNullException.ThrowIfNull(logger);
        AllowedHosts = [.. allowedHosts];
        _anyHost = allowedHosts.Contains("*");
        _patterns = [.. allowedHosts.Select(h => new StringSegment(h))];
        _logger = logger;
    }

    /// <summary>The names (and patterns) answered.</summary>
    public IReadOnlyList<string> AllowedHosts { get; }

    /// <summary>The plain-text refusal for <paramref name="request"/>, or null when its Host is one of the dashboard's names.</summary>
    public string? Refusal(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // No browser sends an empty Host (a page cannot make it), and an HTTP/1.0 client (a health check, nc) may send none:
        // both are answered, as ASP.NET's filter did.
        if (!request.Host.HasValue)
        {
            return null;
        }

        // A port no connection can have: the name may be right, the request is not (the serve page's hint would name that port).
        if (PortText(request.Host.Value!) is { Length: > 0 } port && !(int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number) && number is >= 1 and <= 65535))
        {
            return $"This request's Host gives the port {Shown(port)}, which no connection can have (ports are 1 to 65535); open the address the dashboard's start line names.";
        }

        if (_anyHost || HostString.MatchesAny(new StringSegment(request.Host.Host), _patterns))
        {
            return null;
        }

        string name = Shown(request.Host.Host);
        Warn(name);
        return $"This dashboard answers only to the names {string.Join(", ", AllowedHosts)}; this request asked for {name}. "
            + $"Open one of those names, or start the dashboard again with --Dashboard:AllowedHosts={name} to answer to it too "
            + "(it is refused so that a web page cannot reach the dashboard by pointing a name of its own at this machine).";
    }

    // The text after the name's colon ("localhost:99999", "[::1]:0"), or null when the Host gives no port.
    private static string? PortText(string host)
    {
        int end = host.StartsWith('[') ? host.IndexOf(']', StringComparison.Ordinal) : 0;
        int colon = end < 0 ? -1 : host.IndexOf(':', end);
        return colon < 0 ? null : host[(colon + 1)..];
    }

    // Once per name, and only for the first MaxWarnedNames names: a scanner would otherwise flood the console.
    private void Warn(string name)
    {
        bool first;
        bool last = false;
        lock (_gate)
        {
            first = _warned.Count < MaxWarnedNames && _warned.Add(name);
            if (!first && _warned.Count >= MaxWarnedNames && !_warned.Contains(name) && !_stoppedWarning)
            {
                _stoppedWarning = true;
                last = true;
            }
        }

        if (first)
        {
            LogRefused(_logger, name, $"--Dashboard:AllowedHosts={name}");
        }
        else if (last)
        {
            LogTooMany(_logger, MaxWarnedNames);
        }
    }

    /// <summary>What a request said (a name, a path), as an answer or the console repeats it: control characters and white space as escapes, a long one cut short as every echoed value is (<see cref="ShownValue"/>).</summary>
    /// <param name="spaces">Keeps plain spaces, which a path or a query name may hold (a run named "copy 2"); no host name does.</param>
    internal static string Shown(string text, bool spaces = false)
    {
        var shown = new StringBuilder();
        foreach (char c in text)
        {
            shown.Append(char.IsControl(c) || (char.IsWhiteSpace(c) && !(spaces && c == ' ')) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return ShownValue.Of(shown.ToString());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard refused a request for the name {Host}, which is not one of its names; if that name is yours (a DNS alias, a router's name for this machine), start it again with {Option}")]
    private static partial void LogRefused(ILogger logger, string host, string option);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard refused requests for {Count} different names; further names are refused without a warning")]
    private static partial void LogTooMany(ILogger logger, int count);
}
