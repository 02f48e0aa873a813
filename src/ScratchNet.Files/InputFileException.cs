namespace ScratchNet.Files;

/// <summary>A file a user named cannot be read as one: missing, a directory, a device, a pipe, or beyond its size bound.</summary>
public sealed class InputFileException(string message, FileKind kind, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>What the path named when it was refused.</summary>
    public FileKind Kind { get; } = kind;
}
