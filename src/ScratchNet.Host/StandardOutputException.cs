namespace ScratchNet.Host;

/// <summary>A command's results could not be written to standard output (see <see cref="StandardOutput"/>). Exit code 8.</summary>
public sealed class StandardOutputException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// Whether the write failed because the program reading the output went away (<c>| head -1</c>): as a Unix tool killed
    /// by SIGPIPE, the command then ends with nothing on stderr, since that reader asked for no more.
    /// </summary>
    public bool ReaderGone => InnerException is { } failure && StandardOutputPipe.IsBrokenPipe(failure);
}
