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
        string lockFile = Path.Combine(folder, FileName);
        if (!File.Exists(lockFile))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
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
}
