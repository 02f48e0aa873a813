using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScratchNet.Host.Commands;

namespace ScratchNet.Host.Runs;

/// <summary>
/// How every command stops on a signal. The host's console lifetime turns SIGINT, SIGQUIT and SIGTERM into a stop; SIGHUP
/// (the terminal or SSH session closed) stops the same way here, where by default it killed the process: for a training run
/// that lost the epoch, which now ends at the next batch with a resume point; diagnose, evaluate and predict end at their
/// next step without a result (exit 130); serve closes the dashboard. SIGXFSZ (a file-size limit, ulimit -f) is ignored,
/// so the write that passes the limit fails as a full disk does (exit 8) instead of killing the process halfway through a
/// checkpoint. Each stop is acknowledged at once, saying what happens next: the next batch boundary may be seconds away
/// (a long evaluation), and a key press with no answer gets pressed again.
/// </summary>
public sealed partial class StopSignals(IHostApplicationLifetime lifetime, CommandLine commandLine, IServiceProvider services, ILogger<StopSignals> logger, StartupSignals? startup = null, UserLines? userLines = null) : IHostedService, IDisposable
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
        startup?.HandOver();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registrations.ForEach(r => r.Dispose());

    /// <summary>
    /// Answers the first stop signal with what happens next; later ones change nothing, so they get no line. One that
    /// came while the program started was answered then (<see cref="StartupSignals"/>).
    /// </summary>
    internal void Acknowledge(string signal)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0 && (startup?.Claim() ?? true))
        {
            // The answer to the signal is no log noise a quieter Serilog level should hide.
            string whatHappens = WhatHappens();
            (userLines ?? UserLines.Logged).Write(logger, LogLevel.Warning, $"Stopping ({signal}): {whatHappens}", l => LogStopping(l, signal, whatHappens));
        }
    }

    internal string WhatHappens() => commandLine.Command switch
    {
        CommandLine.DefaultCommand when services.GetService<TrainingRun>() is { TrainingEnded: true } =>
            "training has finished; the model and reports being written are finished first, then it exits",
        CommandLine.DefaultCommand when services.GetService<TrainingRun>() is { LastBatchRun: true } =>
            "training has run its last batch; its last evaluation, the model and the reports are finished first, then it exits",
        CommandLine.DefaultCommand => "training ends at the next batch and saves a resume point (reports already being written are finished first); this can take a few seconds",
        "serve" => "the dashboard closes",

        // A conversion takes a moment and its file is written whole or not at all (AtomicFile): it is finished, not cut short.
        "export" => "export finishes the file it is writing, then exits",
        var command => $"{command} ends at its next step, without a result",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping ({Signal}): {WhatHappens}")]
    private static partial void LogStopping(ILogger logger, string signal, string whatHappens);
}
