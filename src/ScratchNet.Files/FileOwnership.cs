using System.Runtime.InteropServices;

namespace ScratchNet.Files;

/// <summary>
/// Who owns a path and who may write it, as the kernel says (<c>statx</c>, not following a symbolic link): .NET gives a
/// file's permission bits but not its owner, and follows a link to its target. For a folder in a place every user can
/// write (the temp folder), whose owner decides what is read from it.
/// </summary>
/// <param name="Owner">The owner's user id.</param>
/// <param name="Mode">The permission bits.</param>
/// <param name="IsDirectory">A folder itself, not a link to one.</param>
/// <param name="IsLink">A symbolic link.</param>
public sealed partial record FileOwnership(uint Owner, UnixFileMode Mode, bool IsDirectory, bool IsLink)
{
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxTypeModeUid = 0x1 | 0x2 | 0x8;
    private const int UidOffset = 20;

    /// <summary>Whether a user other than the owner (its group, or anyone) may write it.</summary>
    public bool WritableByOthers => (Mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;

    /// <summary>What is at <paramref name="path"/>; null when nothing is, or where the system cannot say (not Linux).</summary>
    public static FileOwnership? Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            Span<byte> buffer = stackalloc byte[FileKinds.StatxBufferBytes];
            if (FileKinds.StatxNative(FileKinds.AtFdCwd, path, AtSymlinkNoFollow, StatxTypeModeUid, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                return null;
            }

            int mode = BitConverter.ToUInt16(buffer.Slice(FileKinds.ModeOffset, 2));
            return new FileOwnership(BitConverter.ToUInt32(buffer.Slice(UidOffset, 4)), (UnixFileMode)(mode & 0xFFF), (mode & 0xF000) == 0x4000, (mode & 0xF000) == 0xA000);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The effective user id of this process; null where there is none (Windows).</summary>
    public static uint? CurrentUser => OperatingSystem.IsWindows() ? null : GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
