using System.Runtime.InteropServices;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// Hands the C library's free heap memory back to the system. The image decoder keeps large pictures in native blocks,
/// and once it has freed one of several megabytes, glibc raises its threshold for giving such blocks their own mapping:
/// later ones come from the heap, and freed, stay in the process. A server that prepares one 4000 × 4000 upload after
/// another grew by ~62 MB with each of the first four and kept it; <c>malloc_trim</c> returns it.
/// </summary>
internal static class NativeHeap
{
    private static bool _unavailable;

    /// <summary>Returns free heap pages to the system where the C library is glibc; elsewhere does nothing.</summary>
    public static void Trim()
    {
        if (_unavailable || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // musl and other C libraries have no malloc_trim: their heaps are left as they are.
            _unavailable = true;
        }
    }

    // DllImport, not LibraryImport: the source-generated form needs the project to allow unsafe code for this one call.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
