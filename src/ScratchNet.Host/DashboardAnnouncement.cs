using ScratchNet.Training;

namespace ScratchNet.Host;

/// <summary>
/// The dashboard's <c>Dashboard at URL</c> line, printed once the server listens, and a stop signal decide between them
/// which came first through a <see cref="StopRace"/>, as <see cref="TrainingStart"/> does for training. A stop before the line keeps it
/// from being printed at all, so a script that takes the URL from stdout never gets one of a dashboard that did not serve,
/// and <c>serve</c> then exits 130 (interrupted before it served); a stop after it closes a dashboard that served, exit 0.
/// An early signal used to be answered "will not start" and still be followed by the URL, and serve's exit code depended
/// on the moment.
/// </summary>
public sealed class DashboardAnnouncement(ResultWriter results)
{
    private readonly StopRace _race = new();

    /// <summary>True once a stop came before the URL was printed: the dashboard never served, and its URL is never printed.</summary>
    public bool Stopped => _race.StoppedFirst;

    /// <summary>Prints <paramref name="line"/> unless a stop came first; false when it did.</summary>
    public bool Announce(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!_race.TryBegin())
        {
            return false;
        }

        results.WriteLine(line);
        return true;
    }

    /// <summary>A stop's claim: true when the URL has not been printed, and then never will; false when it has.</summary>
    public bool StopBeforeAnnounced() => _race.TryStopFirst();
}
