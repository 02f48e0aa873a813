namespace ScratchNet.Files;

/// <summary>
/// An output file could not be written: the disk is full, the folder is not writable, or something that is not a
/// regular file (a directory, a device) holds its name. The previous content of the file, if any, is untouched.
/// </summary>
/// <param name="remedy">What the user can do about it, when <see cref="FileSystemError.Remedy"/> cannot tell from <paramref name="inner"/>.</param>
public sealed class FileWriteException(string path, string reason, Exception? inner = null, string? remedy = null)
    : IOException($"Could not write {ShownName.Of(path)}: {reason}", inner)
{
    /// <summary>The advice where the cause is not known: a full disk or a folder without write permission are the usual ones.</summary>
    public const string FreeSpace = "free space or fix the folder's permissions";

    /// <summary>Something that is not a regular file (a directory, a device) holds the name; it is left as it is.</summary>
    public static FileWriteException NotARegularFile(string path, FileKind kind, Exception? inner = null) =>
        new(path, $"it is {FileKinds.Describe(kind)}, not a regular file, and is left as it is", inner, remedy: "move it out of the way");

    /// <summary>The file that was to be written.</summary>
    public string Path { get; } = path;

    /// <summary>Why not, in the system's words ("No space left on device"; see <see cref="FileSystemError.Reason"/>).</summary>
    public string Reason { get; } = reason;

    /// <summary>What fixes it, as a clause that can follow a semicolon: "free space or fix the folder's permissions".</summary>
    public string Remedy { get; } = remedy ?? FileSystemError.Remedy(inner);
}
