using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScratchNet.Host.Commands;
using ScratchNet.Training;

namespace ScratchNet.Host.Runs;

/// <summary>
/// How every command stops on a signal: SIGINT, SIGQUIT, SIGTERM and SIGHUP (the terminal or SSH session closed) alike,
/// where by default SIGHUP killed the process: for a training run that lost the epoch, which now ends at the next batch
/// with a resume point; diagnose, evaluate and predict end at their next step without a result (exit 130), or, once they
/// write their results, finish writing them (exit 0); serve closes the
/// dashboard (a stop before it served, before its URL was printed, ends serve with exit 130 and no URL). The signals reach it through <see cref="StartupSignals"/>, the process's one handler, which hands them over
/// once the host has started (a host built without one, by a test or an experiment, installs its own). Each stop is
/// acknowledged at once, saying what happens next: the next batch boundary may be seconds away (a long evaluation), and a
/// key press with no answer gets pressed again.
/// </summary>
public sealed partial class StopSignals(IHostApplicationLifetime lifetime, CommandLine commandLine, IServiceProvider services, ILogger<StopSignals> logger, StartupSignals? startup = null, UserLines? userLines = null) : IHostedService, IDisposable
{
    private StartupSignals? _own;
    private int _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return Task.CompletedTask;
        }

        // Refused when a signal came during the start: it was answered then, and Program does not run the command.
        if (startup is null)
        {
            _own = StartupSignals.Install();
        }

        if (!(startup ?? _own)!.HandOver(this))
        {
            // The dashboard starts after this service: its URL would name a dashboard that closes before it serves.
            services.GetService<DashboardAnnouncement>()?.StopBeforeAnnounced();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        startup?.Release(this);
        _own?.Dispose();
    }

    /// <summary>A stop signal: answered (the first one), and the command is asked to stop.</summary>
    internal void Stop(string signal)
    {
        // Before the answer, so that it and the dashboard's URL agree on whether the dashboard served (train --dashboard too).
        services.GetService<DashboardAnnouncement>()?.StopBeforeAnnounced();
        Acknowledge(signal);
        lifetime.StopApplication();
    }

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
            (userLines ?? UserLines.Logged).Write(logger, l => LogStopping(l, signal, whatHappens));
        }
    }

    internal string WhatHappens() => commandLine.Command switch
    {
        // Decided with the trainer (TrainingStart): a stop before the first batch keeps training from beginning at all.
        CommandLine.DefaultCommand when services.GetRequiredService<TrainingStart>().StopBeforeBegin() => Resumes()
            ? "training has not resumed yet; it stops before its first batch, and the run stays at its resume point as it was"
            : "training has not begun; it stops before its first batch and leaves no run folder",

        // Training has begun, so the command has made its run (resolving it earlier could make one, or fail, here).
        CommandLine.DefaultCommand when services.GetService<TrainingRun>() is { TrainingEnded: true } =>
            "training has finished; the model and reports being written are finished first, then it exits",
        CommandLine.DefaultCommand when services.GetService<TrainingRun>() is { LastBatchRun: true } =>
            "training has run its last batch; its last evaluation, the model and the reports are finished first, then it exits",
        CommandLine.DefaultCommand => "training ends at the next batch and saves a resume point (reports already being written are finished first); this can take a few seconds",
        // Decided with the dashboard's URL line (DashboardAnnouncement): a stop before it keeps the URL from being printed.
        "serve" when services.GetService<DashboardAnnouncement>()?.StopBeforeAnnounced() == true => "the dashboard has not begun serving and will not; serve exits now",
        "serve" => "the dashboard closes",

        // A conversion takes a moment and its file is written whole or not at all (AtomicFile): it is finished, not cut short.
        "export" => "export finishes the file it is writing, then exits",
        // Decided with the first result line (ResultWriter): once a command writes its results, it finishes them.
        var command when services.GetService<ResultWriter>()?.StopBeforeResults() == false => $"{command} is writing its results; it finishes them, then exits",
        var command => $"{command} ends at its next step, without a result",
    };

    // train --resume, or Checkpoints:ResumeFrom: the run has a resume point already, which a stop before training keeps.
    private bool Resumes() => ScratchNetHost.ResumeRequest(commandLine, services.GetRequiredService<IConfiguration>()) is not null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping ({Signal}): {WhatHappens}")]
    private static partial void LogStopping(ILogger logger, string signal, string whatHappens);
}
