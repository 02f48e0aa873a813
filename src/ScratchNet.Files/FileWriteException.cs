namespace ScratchNet.Files;

/// <summary>
/// An output file could not be written: the disk is full, the folder is not writable, or something that is not a
/// regular file (a directory, a device) holds its name. The previous content of the file, if any, is untouched.
/// </summary>
public sealed class FileWriteException(string path, string reason, Exception? inner = null)
    : IOException($"Could not write {path}: {reason}", inner)
{
    /// <summary>The file that was to be written.</summary>
    public string Path { get; } = path;

    /// <summary>Why not, in the system's words ("No space left on device"; see <see cref="FileSystemError.Reason"/>).</summary>
    public string Reason { get; } = reason;
}
