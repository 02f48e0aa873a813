namespace ScratchNet.Dashboard.Options;

/// <summary>The browser dashboard (section "Dashboard"): where it listens and how often training reports to it.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>Serve the live dashboard while <c>train</c> runs (same as <c>train --dashboard</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>TCP port; 0 picks a free one (the log line gives the URL).</summary>
    public int Port { get; set; } = 5757;

    /// <summary>The address to listen on: loopback unless the user opens it up on purpose (e.g. 0.0.0.0).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>
    /// More names the dashboard answers to in a request's Host header, comma-separated (a name a reverse proxy or a DNS
    /// entry gives it, <c>*.example.org</c>, or <c>*</c> for any): besides them it answers only to localhost, its loopback
    /// addresses, and, on another address, the machine's name and the addresses its start line names, so a web page
    /// cannot reach it by rebinding its own name to this machine (DNS rebinding).
    /// </summary>
    public string AllowedHosts { get; set; } = "";

    /// <summary>The names of <see cref="AllowedHosts"/>, trimmed, the empty ones left out.</summary>
    public IReadOnlyList<string> AllowedHostNames() => [.. AllowedHosts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>A point of the smoothed train-loss curve (the mean over these batches), with samples/s and the ETA.</summary>
    public int LossEveryBatches { get; set; } = 50;

    /// <summary>How often the per-layer weight/gradient norms and update-to-weight ratios are measured (each costs two copies of the weights).</summary>
    public int StatisticsEveryBatches { get; set; } = 500;
}
