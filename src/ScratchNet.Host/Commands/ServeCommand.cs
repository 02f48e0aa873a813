using Microsoft.Extensions.Logging;
using ScratchNet.Dashboard;
using ScratchNet.Dashboard.Server;
using ScratchNet.Files;

namespace ScratchNet.Host.Commands;

/// <summary>
/// Opens the dashboard without training: the runs folder (curves side by side, configurations, final metrics) and the
/// model explorer, for the <c>--model</c> file and every run's model. The server itself is started by the host
/// (<see cref="DashboardServer"/>, which refuses a bad <c>--model</c> before it listens); this command waits for Ctrl+C.
/// </summary>
/// <remarks>
/// A stop that came before the dashboard's URL was printed (<see cref="DashboardAnnouncement"/>) ends serve as interrupted,
/// exit 130, as one during the program's start does: the dashboard never served. A URL that could not be written (stdout
/// on a full disk, or closed) is serve's result lost, as a reading is predict's: one line on stderr names the address and
/// why, the dashboard closes, and serve exits 8, where it served unseen (with a free port nothing else says where) and
/// exited 0 once stopped.
/// </remarks>
public sealed partial class ServeCommand(DashboardSources sources, ILogger<ServeCommand> logger, DashboardAnnouncement? announcement = null, UserLines? userLines = null) : ICommand
{
    public const string Name = "serve";

    public static readonly CommandOption RunsOption = new("runs", "DIR", "the runs folder to browse (default Run:Directory, runs)");

    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (announcement is { Stopped: true })
        {
            // The stop closed the URL line before its answer was written, and asks the host to stop only after that: ending
            // at once could end the process before the answer ("Interrupted." alone).
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Answered.
            }

            throw new OperationCanceledException("a stop came before the dashboard served", cancellationToken);
        }

        if (announcement?.Unwritten is (string address, Exception failure))
        {
            // A reader that went away (serve | head -c0) asked for nothing more: silent, as a Unix tool killed by SIGPIPE.
            if (!StandardOutputPipe.IsBrokenPipe(failure))
            {
                (string why, string fix) = StandardOutput.Describe(failure);
                (userLines ?? UserLines.Logged).Write(logger, l => LogAddressUnwritten(l, why, address, fix));
            }

            return ExitCodes.OutputFailed;
        }

        string runs = Path.GetFullPath(sources.RunsDirectory);
        if (File.Exists(runs))
        {
            LogRunsIsAFile(logger, ShownName.Of(runs));
        }
        else if (!Directory.Exists(runs))
        {
            LogNoRuns(logger, ShownName.Of(runs));
        }

        // The URL is the line above (Dashboard at …), printed as a result at any log level; a second copy here was noise.
        LogServing(logger, ShownName.Of(runs));
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C is how serve is meant to end; a line of its own that stdout refused ends it too (the host links
            // StandardOutput.Failed to the token), as any command that writes lines stops at the first one refused.
        }

        if (StandardOutput.Installed?.Exception() is { } unwritten)
        {
            throw unwritten;
        }

        return ExitCodes.Success;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the dashboard's address to standard output ({Why}), so serve closes the dashboard it opened at {Address}; {Fix}")]
    private static partial void LogAddressUnwritten(ILogger logger, string why, string address, string fix);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the runs in {RunsDirectory}; press Ctrl+C to stop")]
    private static partial void LogServing(ILogger logger, string runsDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The runs folder {RunsDirectory} is a file, not a folder; the runs view stays empty (--runs DIR chooses a folder)")]
    private static partial void LogRunsIsAFile(ILogger logger, string runsDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The runs folder {RunsDirectory} does not exist yet; the runs view stays empty until a run writes there (--runs DIR chooses another)")]
    private static partial void LogNoRuns(ILogger logger, string runsDirectory);
}
