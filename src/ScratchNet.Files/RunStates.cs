namespace ScratchNet.Files;

/// <summary>
/// The words run.json's state may be: written by the host (<c>RunStatus</c>) and checked by the dashboard, which reads
/// run folders without the host, so both take them from here.
/// </summary>
public static class RunStates
{
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Interrupted = "interrupted";
    public const string Failed = "failed";
    public const string Diverged = "diverged";

    /// <summary>
    /// A session's state only, never the run's: the session was killed or crashed (it never recorded its end), as a later
    /// session that took the run's lock found it. The dashboard's word for a run in that state.
    /// </summary>
    public const string Lost = "lost";

    public static IReadOnlyList<string> All { get; } = [Running, Finished, Interrupted, Failed, Diverged];
}
