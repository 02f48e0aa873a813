using Microsoft.Extensions.Hosting;
using Serilog;

namespace ScratchNet.Host;

/// <summary>Stops the host once a command has returned, without letting the stop overturn the command's result.</summary>
public static class HostShutdown
{
    /// <summary>
    /// Stops <paramref name="host"/>. The host's stop starts a timer thread for its shutdown timeout; under a process limit
    /// (<c>ulimit -v</c>) a finished run may have no address space left for that thread's stack, and the stop throws
    /// <see cref="OutOfMemoryException"/>. The command has finished and written what it writes by then (its model, its
    /// run.json "finished"), so that is one warning line, not "Ran out of memory … make the network smaller" and exit 2.
    /// </summary>
    /// <returns>False when the stop ran out of memory (the warning is logged).</returns>
    public static async Task<bool> StopAsync(IHost host, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(log);
        try
        {
            await host.StopAsync().ConfigureAwait(false);
            return true;
        }
        catch (OutOfMemoryException)
        {
            log.Warning("Could not stop cleanly after the command finished: out of memory (a process limit such as ulimit -v or a container's); its result stands");
            return false;
        }
    }
}
