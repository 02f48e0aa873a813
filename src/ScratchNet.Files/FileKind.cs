namespace ScratchNet.Files;

/// <summary>What a path names, after following symbolic links.</summary>
public enum FileKind
{
    /// <summary>Nothing exists there (or a symbolic link points nowhere).</summary>
    Missing,

    Regular,
    Directory,
    CharacterDevice,
    BlockDevice,
    Pipe,
    Socket,

    /// <summary>The path, or a name in it, is longer than the file system takes (ENAMETOOLONG).</summary>
    NameTooLong,

    /// <summary>The kind could not be determined (no permission to look); opening it will say more.</summary>
    Unknown,
}
