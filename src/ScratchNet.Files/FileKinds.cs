using System.Runtime.InteropServices;

namespace ScratchNet.Files;

/// <summary>
/// Tells a regular file from a directory, a device, a pipe or a socket without opening it: opening a FIFO for reading
/// blocks until someone writes, and a device such as <c>/dev/zero</c> never ends, so both must be recognised first.
/// .NET reports none of these kinds, so on Linux this asks the kernel (<c>statx</c>, whose buffer layout is the same on
/// every architecture); elsewhere it falls back to what .NET can see.
/// </summary>
public static partial class FileKinds
{
    // statx's arguments and buffer layout, shared by FileIdentity and FileOwnership, which ask it other things.
    internal const int AtFdCwd = -100;
    internal const int StatxBufferBytes = 256;
    internal const int ModeOffset = 28;
    private const uint StatxType = 0x1;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int ELOOP = 40;

    private static bool _statxMissing;

    /// <summary>The kind of what <paramref name="path"/> names, following symbolic links.</summary>
    public static FileKind Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsLinux() && !_statxMissing)
        {
            try
            {
                return Statx(path);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _statxMissing = true;
            }
        }

        return Managed(path);
    }

    /// <summary>"a directory", "a character device", … for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Pipe => "a named pipe (FIFO)",
        FileKind.Socket => "a socket",
        FileKind.NameTooLong => "a " + FileSystemError.NameTooLong,
        _ => "of a kind that cannot be determined",
    };

    /// <summary>
    /// What is wrong with a path of <paramref name="kind"/> where <paramref name="wanted"/> ("a folder") belongs, to follow
    /// the path in a message: "is a directory, not a regular file", or "is too long: path or file name too long (…)".
    /// </summary>
    public static string NotA(FileKind kind, string wanted) =>
        kind == FileKind.NameTooLong ? $"cannot be used: {FileSystemError.NameTooLong}" : $"is {Describe(kind)}, not {wanted}";

    /// <summary>
    /// Why what stands under a file's name cannot be read as that file: "is a folder, not a file", "is a named pipe (FIFO),
    /// not a file" (which would block whoever opened it), "is a link that leads nowhere (…)", saying whether to nothing or
    /// round in a loop; null when it is a file, nothing is there, or its kind cannot be told (opening it will say more).
    /// One wording for every run file, the host's lock and the dashboard's list alike. The link's target is not named:
    /// the dashboard shows this to a page, which must not learn the server's paths.
    /// </summary>
    public static string? NotAFile(string path)
    {
        FileKind kind = Of(path);
        return kind switch
        {
            FileKind.Missing when IsLink(path) => IsLoop(path) ? LinkLoop : LinkToNothing,
            FileKind.Missing or FileKind.Regular or FileKind.Unknown => null,
            FileKind.Directory => "is a folder, not a file",
            _ => $"is {Describe(kind)}, not a file",
        };
    }

    /// <summary>What <see cref="NotAFile"/> says of a link whose target does not exist.</summary>
    public const string LinkToNothing = "is a link that leads nowhere (what it points at does not exist)";

    /// <summary>What <see cref="NotAFile"/> says of a link to itself, or links that point at each other.</summary>
    public const string LinkLoop = "is a link that leads nowhere (round in a loop of links)";

    // A loop is the one link whose end cannot be found ("Too many levels of symbolic links"); one to nothing has an end.
    private static bool IsLoop(string path)
    {
        try
        {
            File.ResolveLinkTarget(path, returnFinalTarget: true);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be reached when it, or a folder on it, is a symbolic link to nothing (a disk that
    /// is not mounted) or a loop of links: "/x/runs is a link to /mnt/disk/runs, which does not exist"; null otherwise.
    /// </summary>
    public static string? BrokenLink(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        for (string? current = Path.GetFullPath(path); current is not null; current = Path.GetDirectoryName(current))
        {
            string? link;
            try
            {
                link = new FileInfo(current).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (link is null || Of(current) != FileKind.Missing)
            {
                continue;
            }

            try
            {
                string target = File.ResolveLinkTarget(current, returnFinalTarget: true)?.FullName ?? link;
                return $"{ShownName.Of(current)} is a link to {ShownName.Of(target)}, which does not exist";
            }
            catch (IOException)
            {
                return $"{ShownName.Of(current)} is a link that leads back to itself (a loop of symbolic links: {ShownName.Of(current)} → {ShownName.Of(link)} → …)";
            }
        }

        return null;
    }

    private static FileKind Statx(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxBufferBytes];
        if (StatxNative(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                ENOENT or ENOTDIR or ELOOP => FileKind.Missing,
                FileSystemError.NameTooLongErrno => FileKind.NameTooLong,
                38 => Managed(path), // ENOSYS: a kernel or sandbox without statx
                _ => FileKind.Unknown,
            };
        }

        int mode = BitConverter.ToUInt16(buffer.Slice(ModeOffset, 2)) & 0xF000;
        return mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Pipe,
            0xC000 => FileKind.Socket,
            _ => FileKind.Unknown,
        };
    }

    // What .NET can see: directories and files, but a device or a pipe looks like an empty file.
    private static FileKind Managed(string path)
    {
        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }

        if (!File.Exists(path))
        {
            return FileKind.Missing;
        }

        return new FileInfo(path).Length > 0 ? FileKind.Regular : FileKind.Unknown;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int StatxNative(int directory, string path, int flags, uint mask, ref byte buffer);
}
