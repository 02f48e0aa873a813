using System.Runtime.InteropServices;
using System.Text;

namespace ScratchNet.Files;

/// <summary>
/// A path with every symbolic link on it resolved (<c>realpath</c>): which file it really is, so a link to a run's
/// checkpoint is known as that run's, wherever the link lives.
/// </summary>
public static partial class RealPath
{
    private const int PathMax = 4096;

    /// <summary>The real path of <paramref name="path"/>; its absolute form when it does not exist or cannot be resolved.</summary>
    public static string Of(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            return full;
        }

        try
        {
            byte[] resolved = new byte[PathMax];
            if (Resolve(full, resolved) == IntPtr.Zero)
            {
                return full;
            }

            int length = Array.IndexOf(resolved, (byte)0);
            return Encoding.UTF8.GetString(resolved, 0, length < 0 ? resolved.Length : length);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return full;
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr Resolve(string path, [Out] byte[] resolved);
}
