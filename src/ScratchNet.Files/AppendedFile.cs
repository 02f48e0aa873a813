namespace ScratchNet.Files;

/// <summary>
/// Adds to the end of a file this process wrote, in one write, where <see cref="AtomicFile"/> would write the whole file
/// again: a report that grows by a row an epoch (history.csv, history.json) would otherwise cost a quadratic time over a
/// long run. The file is never torn: the new bytes go in with a single positioned write, which a kill cannot cut in two
/// (a signal lands between system calls), and a write the file system fails (a full disk) is undone, the file's old end
/// put back, before the failure is reported.
/// </summary>
/// <remarks>
/// Only a file as this process left it is added to: its length, its last bytes and (where given) its last-write time are
/// checked first, and anything else
/// (the file gone, replaced, edited, not a regular file, or hard-linked to another name) is for the caller to write whole
/// with <see cref="AtomicFile"/>.
/// </remarks>
public static class AppendedFile
{
    /// <summary>
    /// Replaces the last <paramref name="tail"/>.Length bytes of <paramref name="path"/>, a file of <paramref name="length"/>
    /// bytes that ends in <paramref name="tail"/>, with <paramref name="content"/>: an append when the tail is empty; a
    /// JSON array's closing bracket followed by a new element and the bracket again otherwise.
    /// </summary>
    /// <returns>The file's new length, or null (nothing written) where the file is not as described: write it whole.</returns>
    /// <exception cref="FileWriteException">The file system failed the write; the file is as it was.</exception>
    /// <param name="lastWriteUtc">
    /// The file's last-write time as the caller left it (<see cref="File.GetLastWriteTimeUtc(string)"/> after its write), where
    /// known: an edit that keeps the length and the end (a digit changed in place, a copy renamed over) changes it.
    /// </param>
    public static long? Append(string path, long length, ReadOnlySpan<byte> tail, ReadOnlySpan<byte> content, DateTime? lastWriteUtc = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, tail.Length);

        // Opening a pipe for writing would block, a device would take the bytes: only a regular file (or a link to one).
        // A file with a second name (a run folder copied with cp -al, a snapshot backup) is the copy's too: adding to it
        // would change the copy, where writing it whole gives this folder a file of its own.
        if (FileKinds.Of(path) != FileKind.Regular || FileIdentity.LinkCount(path) > 1
            || (lastWriteUtc is { } written && File.GetLastWriteTimeUtc(path) != written))
        {
            return null;
        }

        Microsoft.Win32.SafeHandles.SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone, or no longer ours to open: the whole-file write reports what is wrong, or writes it anew.
            return null;
        }

        using (file)
        {
            long at = length - tail.Length;
            try
            {
                if (RandomAccess.GetLength(file) != length || !EndsWith(file, at, tail))
                {
                    return null;
                }

                RandomAccess.Write(file, content, at);
                return at + content.Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Undo(file, at, tail, length);
                throw new FileWriteException(Path.GetFullPath(path), FileSystemError.Reason(e), e);
            }
        }
    }

    private static bool EndsWith(Microsoft.Win32.SafeHandles.SafeFileHandle file, long at, ReadOnlySpan<byte> tail)
    {
        if (tail.IsEmpty)
        {
            return true;
        }

        byte[] found = new byte[tail.Length];
        return RandomAccess.Read(file, found, at) == tail.Length && tail.SequenceEqual(found);
    }

    // A write cut short by a full disk leaves part of the new bytes over the old end: the old end goes back (it fits, the
    // space was the file's already) and the length with it. Where even that fails, the original failure is what is reported.
    private static void Undo(Microsoft.Win32.SafeHandles.SafeFileHandle file, long at, ReadOnlySpan<byte> tail, long length)
    {
        try
        {
            RandomAccess.SetLength(file, length);
            if (!tail.IsEmpty)
            {
                RandomAccess.Write(file, tail, at);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left to the next session, which writes the history whole from its checkpoint.
        }
    }
}
