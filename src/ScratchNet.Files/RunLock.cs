namespace ScratchNet.Files;

/// <summary>
/// The lock file a training process holds open, exclusively, in its run folder for as long as it trains there. The file
/// stays when the process dies (killed, crashed), but the lock goes with the process, so whether it is held tells a
/// live run from one whose run.json still says "running". The host takes it; the dashboard only asks.
/// </summary>
public static class RunLock
{
    public const string FileName = ".lock";

    /// <summary>True when a process holds the lock of the run in <paramref name="folder"/>, i.e. is training there now.</summary>
    public static bool IsHeld(string folder)
    {
        // Only a file can be held. A folder or a pipe by the lock's name is held by no one, and opening a pipe to ask
        // would wait for a writer forever. Unknown: a platform without statx, where a lock looks so.
        if (FileKinds.Of(Path.Combine(folder, FileName)) is not (FileKind.Regular or FileKind.Unknown))
        {
            return false;
        }

        try
        {
            using FileStream probe = Probe(folder);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Opens the lock as <see cref="IsHeld"/> asks it: shared, so it fails only while a process holds the lock exclusively
    /// (training). An exclusive probe also failed while another asker probed at the same moment (the dashboard's list, a
    /// resume choosing its run), and the page showed a killed run as running for that moment.
    /// </summary>
    /// <exception cref="IOException">A process holds the lock, or the file cannot be opened.</exception>
    public static FileStream Probe(string folder) => new(Path.Combine(folder, FileName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
}
