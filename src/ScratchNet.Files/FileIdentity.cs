using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ScratchNet.Files;

/// <summary>
/// Whether a path still names a file this process holds open: a folder removed (<c>rm -rf</c>), moved away or replaced by
/// a copy while a process works in it leaves the process's open file behind, so the path answers with another file or
/// none. On Linux this compares device and inode (<c>statx</c>); elsewhere it can only tell that the path still exists.
/// </summary>
public static class FileIdentity
{
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const uint StatxNlink = 0x4;
    private const int LinkCountOffset = 16;
    private const int InodeOffset = 32;
    private const int DeviceMajorOffset = 136;
    private const int DeviceMinorOffset = 140;

    /// <summary>True when <paramref name="path"/> names the file <paramref name="handle"/> has open.</summary>
    public static bool Same(SafeFileHandle handle, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(path);
        }

        try
        {
            return Identity(handle) is { } held && Identity(path) is { } named ? held == named : File.Exists(path);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return File.Exists(path);
        }
    }

    /// <summary>
    /// Where the file <paramref name="handle"/> has open is now, after a move or rename of it or a folder above it; null when
    /// it was removed or the system cannot say (only Linux can, through <c>/proc/self/fd</c>).
    /// </summary>
    public static string? CurrentPath(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            string? target = new FileInfo($"/proc/self/fd/{(int)handle.DangerousGetHandle()}").LinkTarget;

            // The kernel names a removed file "PATH (deleted)"; a path that still names the file is the file's place.
            return target is not null && target.StartsWith('/') && Same(handle, target) ? target : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// The identity of the file or folder at <paramref name="path"/> (device and inode, <c>"259:3:1048601"</c>), which a move
    /// or rename on one file system keeps and a copy does not; null where the system cannot say (not Linux) or nothing is there.
    /// </summary>
    public static string? Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return Identity(path) is { } id ? $"{id.Major}:{id.Minor}:{id.Inode}" : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// How many names the file at <paramref name="path"/> has (above 1 for a hard-linked copy, <c>cp -al</c>, whose files
    /// are the original's until replaced); null where the system cannot say or nothing is there.
    /// </summary>
    public static int? LinkCount(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            Span<byte> buffer = stackalloc byte[FileKinds.StatxBufferBytes];
            return FileKinds.StatxNative(FileKinds.AtFdCwd, path, 0, StatxNlink, ref MemoryMarshal.GetReference(buffer)) == 0
                ? (int)BitConverter.ToUInt32(buffer.Slice(LinkCountOffset, 4))
                : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    private static (uint Major, uint Minor, ulong Inode)? Identity(SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Read((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static (uint Major, uint Minor, ulong Inode)? Identity(string path) => Read(FileKinds.AtFdCwd, path, 0);

    private static (uint Major, uint Minor, ulong Inode)? Read(int directory, string path, int flags)
    {
        Span<byte> buffer = stackalloc byte[FileKinds.StatxBufferBytes];
        if (FileKinds.StatxNative(directory, path, flags, StatxIno, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return null;
        }

        return (BitConverter.ToUInt32(buffer.Slice(DeviceMajorOffset, 4)), BitConverter.ToUInt32(buffer.Slice(DeviceMinorOffset, 4)), BitConverter.ToUInt64(buffer.Slice(InodeOffset, 8)));
    }
}
