using System.Net;
using Microsoft.Extensions.Options;

namespace ScratchNet.Dashboard.Options;

/// <summary>Checks the Dashboard section. Every message names the key, the value and what is allowed.</summary>
public sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"Dashboard:Port must be in [0, 65535] (0 picks a free port), got {options.Port}");
        }

        if (!IsAddress(options.Address))
        {
            const string Valid = "127.0.0.1 (this machine only, the default), ::1, localhost, or 0.0.0.0 to open it to the network";
            errors.Add(IPAddress.TryParse(options.Address, out IPAddress? shorthand)
                ? $"Dashboard:Address '{options.Address}' is a shorthand for {shorthand}; write the address in full, four numbers from 0 to 255 without leading zeros: {Valid}"
                : $"Dashboard:Address '{options.Address}' is not an IP address; use {Valid}");
        }

        foreach (string host in options.AllowedHostNames().Where(h => !IsHostPattern(h)))
        {
            errors.Add($"Dashboard:AllowedHosts holds '{host}', which is not a host name; give names or addresses without a scheme or port, comma-separated (dashboard.example.org,192.0.2.7,[2001:db8::7], *.example.org, or * for any)");
        }

        if (options.LossEveryBatches < 1)
        {
            errors.Add($"Dashboard:LossEveryBatches must be at least 1, got {options.LossEveryBatches}");
        }

        if (options.StatisticsEveryBatches < 2)
        {
            errors.Add($"Dashboard:StatisticsEveryBatches must be at least 2 (a measurement compares two consecutive batches), got {options.StatisticsEveryBatches}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>What a Host header may be matched against: a DNS name, an IPv4 address, a bracketed IPv6 one, "*.name" or "*".</summary>
    public static bool IsHostPattern(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host == "*")
        {
            return true;
        }

        // The host filter reads the wildcard addresses as "any host", which no one giving them as a name means.
        string name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (name is "0.0.0.0" or "[::]")
        {
            return false;
        }

        return name.StartsWith('[') && name.EndsWith(']')
            ? IPAddress.TryParse(name[1..^1], out IPAddress? ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            : Uri.CheckHostName(name) is UriHostNameType.Dns or UriHostNameType.IPv4;
    }

    /// <summary>
    /// An IPv6 address, an IPv4 address written as four decimal numbers, or "localhost" (which listens on the loopback
    /// addresses only). IPAddress.Parse also reads inet_aton's shorthand, "0" as 0.0.0.0 (every address: someone who
    /// meant "the default" opened the dashboard to the network), "127.1", "2130706433", "0x7f.1", "010.0.0.1" (octal: 8.0.0.1).
    /// </summary>
    public static bool IsAddress(string? address) =>
        string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(address, out IPAddress? ip)
            && (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || string.Equals(ip.ToString(), address, StringComparison.Ordinal)));
}
