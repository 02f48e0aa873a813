namespace ScratchNet.Host;

/// <summary>A command's results could not be written to standard output (see <see cref="StandardOutput"/>). Exit code 8.</summary>
public sealed class StandardOutputException(string message, Exception? inner = null) : Exception(message, inner);
