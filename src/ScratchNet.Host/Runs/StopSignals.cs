using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScratchNet.Host.Commands;

namespace ScratchNet.Host.Runs;

/// <summary>
/// How every command stops on a signal, beyond the SIGINT, SIGQUIT and SIGTERM the host's console lifetime turns into
/// <see cref="IHostApplicationLifetime.ApplicationStopping"/> (the token each command gets, and checks at its next batch,
/// step, chunk or image). SIGHUP (the terminal or SSH session closed) stops the same way: train with a resume point,
/// serve cleanly, where by default it killed the process (exit 129) and lost the epoch. SIGXFSZ (a file-size limit,
/// ulimit -f) is ignored, so the write that passes the limit fails as a full disk does (exit 8, the last resume point
/// kept) instead of killing the process halfway through a checkpoint. Each stop is acknowledged at once with what the
/// command does now (<see cref="ICommand.StopNotice"/>): the next boundary may be seconds away (a long evaluation), and
/// a key press with no answer gets pressed again.
/// </summary>
public sealed partial class StopSignals(IHostApplicationLifetime lifetime, CommandLine commandLine, IServiceProvider services, ILogger<StopSignals> logger) : IHostedService, IDisposable
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

    /// <summary>Answers the first stop signal with what the command does now; later ones change nothing, so they get no line.</summary>
    internal void Acknowledge(string signal)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0
            && CommandCatalog.Find(commandLine.Command) is { } command
            && services.GetKeyedService<ICommand>(command.Name)?.StopNotice is { } notice)
        {
            LogStopping(logger, signal, notice);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping ({Signal}): {Notice}")]
    private static partial void LogStopping(ILogger logger, string signal, string notice);
}
