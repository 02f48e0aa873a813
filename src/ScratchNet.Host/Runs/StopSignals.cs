using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ScratchNet.Host.Runs;

/// <summary>
/// The signals a training run must survive, beyond the SIGINT, SIGQUIT and SIGTERM the host's console lifetime turns
/// into a stop at the next batch. SIGHUP (the terminal or SSH session closed) stops the same way, with a resume point,
/// where by default it killed the process and lost the epoch. SIGXFSZ (a file-size limit, ulimit -f) is ignored, so the
/// write that passes the limit fails as a full disk does (exit 8, the last resume point kept) instead of killing the
/// process halfway through a checkpoint. Each stop is acknowledged at once: the next batch boundary may be seconds away
/// (a long evaluation), and a key press with no answer gets pressed again.
/// </summary>
public sealed partial class StopSignals(IHostApplicationLifetime lifetime, ILogger<StopSignals> logger) : IHostedService, IDisposable
{
    // The same number on Linux and macOS; PosixSignal names only the signals every platform shares.
    private const int FileSizeLimitExceeded = 25;

    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return Task.CompletedTask;
        }

        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Acknowledge("SIGHUP, the terminal closed");
            lifetime.StopApplication();
        }));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Acknowledge("Ctrl+C")));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Acknowledge("SIGTERM")));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, _ => Acknowledge("SIGQUIT")));
        _registrations.Add(PosixSignalRegistration.Create((PosixSignal)FileSizeLimitExceeded, context => context.Cancel = true));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registrations.ForEach(r => r.Dispose());

    private void Acknowledge(string signal)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            LogStopping(logger, signal);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping ({Signal}): training ends at the next batch and saves a resume point (reports already being written are finished first); this can take a few seconds")]
    private static partial void LogStopping(ILogger logger, string signal);
}
