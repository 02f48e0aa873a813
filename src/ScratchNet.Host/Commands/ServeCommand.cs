using Microsoft.Extensions.Logging;
using ScratchNet.Dashboard;
using ScratchNet.Dashboard.Server;

namespace ScratchNet.Host.Commands;

/// <summary>
/// Opens the dashboard without training: the runs folder (curves side by side, configurations, final metrics) and the
/// model explorer, for the <c>--model</c> file and every run's model. The server itself is started by the host
/// (<see cref="DashboardServer"/>, which refuses a bad <c>--model</c> before it listens); this command waits for Ctrl+C.
/// </summary>
public sealed partial class ServeCommand(DashboardSources sources, DashboardServer server, ILogger<ServeCommand> logger) : ICommand
{
    public const string Name = "serve";

    public static readonly CommandOption RunsOption = new("runs", "DIR", "the runs folder to browse (default Run:Directory, runs)");

    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        string runs = Path.GetFullPath(sources.RunsDirectory);
        if (File.Exists(runs))
        {
            LogRunsIsAFile(logger, runs);
        }
        else if (!Directory.Exists(runs))
        {
            LogNoRuns(logger, runs);
        }

        LogServing(logger, server.Url?.ToString() ?? "(not listening)", runs);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C is how serve is meant to end.
        }

        return ExitCodes.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the runs in {RunsDirectory} at {Url}; press Ctrl+C to stop")]
    private static partial void LogServing(ILogger logger, string url, string runsDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The runs folder {RunsDirectory} is a file, not a folder; the runs view stays empty (--runs DIR chooses a folder)")]
    private static partial void LogRunsIsAFile(ILogger logger, string runsDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The runs folder {RunsDirectory} does not exist yet; the runs view stays empty until a run writes there (--runs DIR chooses another)")]
    private static partial void LogNoRuns(ILogger logger, string runsDirectory);
}
