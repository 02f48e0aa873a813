namespace ScratchNet.Host.Runs;

/// <summary>The run's folder cannot be used: not writable, a file in its place, or another process training in it. Exit code 2, before any work.</summary>
public sealed class RunFolderException(string message) : Exception(message);
