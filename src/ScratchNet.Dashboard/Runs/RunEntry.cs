namespace ScratchNet.Dashboard.Runs;

/// <summary>
/// A run of the runs folder: its name (the folder's own), its real path inside the folder, and when its history.json was
/// last written (before the first epoch ends, when its run.json was).
/// </summary>
public sealed record RunEntry(string Id, string Path, DateTime WrittenUtc);
