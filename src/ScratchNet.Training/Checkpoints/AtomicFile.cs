using System.Globalization;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one, never a torn one:
/// write a temporary file beside it (<see cref="TemporaryPath"/>), optionally flush it to disk, then rename it
/// over the target (rename within one directory is atomic on the file systems .NET supports).
/// </summary>
public static class AtomicFile
{
    /// <param name="path">The file to replace.</param>
    /// <param name="write">Writes the new content.</param>
    /// <param name="flushToDisk">
    /// True (checkpoints) flushes the temporary to the disk before the rename, so the new name never points at
    /// data still in the page cache; false (reports, rewritten every epoch) leaves that to the OS.
    /// </param>
    public static void Write(string path, Action<Stream> write, bool flushToDisk = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = TemporaryPath(full, Environment.ProcessId);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            // Only a file of ours: something else squatting on the name (a folder) is not ours to delete.
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            throw;
        }
    }

    /// <summary>Where process <paramref name="processId"/> writes the new content of <paramref name="fullPath"/>: <c>NAME.PID.tmp</c> beside it.</summary>
    public static string TemporaryPath(string fullPath, int processId) =>
        string.Create(CultureInfo.InvariantCulture, $"{fullPath}.{processId}.tmp");

    /// <summary>The writing process of a <see cref="TemporaryPath"/>, or false when <paramref name="path"/> is not one.</summary>
    public static bool TryGetWriter(string path, out int processId)
    {
        processId = 0;
        string name = Path.GetFileName(path);
        if (!name.EndsWith(".tmp", StringComparison.Ordinal))
        {
            return false;
        }

        string pid = Path.GetExtension(Path.GetFileNameWithoutExtension(name)).TrimStart('.');
        return int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out processId);
    }
}
