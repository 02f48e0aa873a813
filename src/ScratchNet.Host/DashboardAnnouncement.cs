using ScratchNet.Training;

namespace ScratchNet.Host;

/// <summary>
/// The dashboard's <c>Dashboard at URL</c> line, printed once the server listens, and a stop signal decide between them
/// which came first through a <see cref="StopRace"/>, as <see cref="TrainingStart"/> does for training. A stop before the line keeps it
/// from being printed at all, so a script that takes the URL from stdout never gets one of a dashboard that did not serve,
/// and <c>serve</c> then exits 130 (interrupted before it served); a stop after it closes a dashboard that served, exit 0.
/// An early signal used to be answered "will not start" and still be followed by the URL, and serve's exit code depended
/// on the moment. A line that could not be written (stdout on a full disk, or closed) is remembered with why
/// (<see cref="Unwritten"/>): with a free port the address is nowhere else, and serve, whose one result it is, served
/// unseen and ended with exit 0.
/// </summary>
/// <param name="output">The standard output that remembers a failed write; null: this process's (<see cref="StandardOutput.Installed"/>).</param>
public sealed class DashboardAnnouncement(ResultWriter results, StandardOutput? output = null)
{
    private readonly StopRace _race = new();

    /// <summary>True once a stop came before the URL was printed: the dashboard never served, and its URL is never printed.</summary>
    public bool Stopped => _race.StoppedFirst;

    /// <summary>The address whose line could not be written, and why; null while it was written (or not yet announced).</summary>
    public (string Address, Exception Failure)? Unwritten { get; private set; }

    /// <summary>Prints <c>Dashboard at <paramref name="address"/></c> unless a stop came first; false when it did.</summary>
    public bool Announce(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!_race.TryBegin())
        {
            return false;
        }

        try
        {
            results.WriteLine($"Dashboard at {address}");
        }
        catch (StandardOutputException)
        {
            // Remembered below, with why.
        }

        if ((output ?? StandardOutput.Installed)?.Failure is { } failure)
        {
            Unwritten = (address, failure);
        }

        return true;
    }

    /// <summary>A stop's claim: true when the URL has not been printed, and then never will; false when it has.</summary>
    public bool StopBeforeAnnounced() => _race.TryStopFirst();
}
