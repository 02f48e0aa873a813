namespace ScratchNet.Host.Runs;

/// <summary>
/// A run's output could not be written after training started (disk full, permissions, a folder replaced): training
/// stopped; the message says what was kept and how to continue. Exit code 8.
/// </summary>
public sealed class RunOutputException(string message, Exception? inner = null) : Exception(message, inner);
