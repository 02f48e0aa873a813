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

    public static IReadOnlyList<string> All { get; } = [Running, Finished, Interrupted, Failed, Diverged];
}
