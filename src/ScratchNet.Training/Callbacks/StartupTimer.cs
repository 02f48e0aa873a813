using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ScratchNet.Training.Callbacks;

/// <summary>
/// Logs once how long the process took from its start (before the runtime loaded) to the end of the
/// first training batch: runtime start-up, configuration, data loading and network construction.
/// </summary>
public sealed partial class StartupTimer(ILogger<StartupTimer> logger) : ITrainingCallback
{
    private readonly DateTime _processStart = ProcessStart();
    private bool _logged;

    public void OnBatchEnd(TrainingContext context, int epoch, int batch, float loss)
    {
        if (_logged)
        {
            return;
        }

        _logged = true;
        if (_processStart != default)
        {
            LogFirstBatch(logger, MillisecondsSince(_processStart, TimeZoneInfo.Local, DateTime.UtcNow), Environment.ProcessorCount);
        }
    }

    /// <summary>
    /// The time from <paramref name="processStart"/> (the local time <see cref="Process.StartTime"/> gives, in
    /// <paramref name="zone"/>) to <paramref name="utcNow"/>, counted in UTC: two local times taken across a change to or
    /// from summer time differ by an hour more or less than the time between them.
    /// </summary>
    public static double MillisecondsSince(DateTime processStart, TimeZoneInfo zone, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(zone);
        DateTime start = processStart.Kind == DateTimeKind.Utc ? processStart : TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(processStart, DateTimeKind.Unspecified), zone);
        return (DateTime.SpecifyKind(utcNow, DateTimeKind.Utc) - start).TotalMilliseconds;
    }

    private static DateTime ProcessStart()
    {
        try
        {
            using var process = Process.GetCurrentProcess();
            return process.StartTime;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            // Some sandboxes hide the process start time; then there is nothing to report.
            return default;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "First training batch done {StartupMs:F0} ms after process start (processors: {Processors})")]
    private static partial void LogFirstBatch(ILogger logger, double startupMs, int processors);
}
