using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ScratchNet.Host;

/// <summary>Starts the host, so that a stop the command has already answered decides how the command ends.</summary>
public static class HostStart
{
    /// <summary>
    /// Starts <paramref name="host"/>. A stop signal that came once the command's <see cref="Runs.StopSignals"/> answered
    /// them, while the host was still starting (the dashboard's server binding its port), was answered for the command
    /// ("training has not begun; it stops before its first batch …") and cancels the rest of the start: the command still
    /// runs then, its stop already requested, and ends as that answer said ("Interrupted before training began; …"). The
    /// start's own cancellation ended the program with a bare "Interrupted." instead: two wordings for one moment.
    /// </summary>
    /// <exception cref="OperationCanceledException">The start was cancelled by anything but the host's stop.</exception>
    public static async Task StartAsync(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Answered already; the command ends as the answer said.
        }
    }
}
