using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ScratchNet.Files;

/// <summary>
/// Replaces a file so that readers see either the old file or the complete new one, never a torn one: the new content
/// goes to <c>NAME.PID.tmp</c> beside it (<see cref="TemporaryPath"/>; PID is the writing process), is optionally
/// flushed to disk, then renamed over the target (a rename within one folder is atomic on the file systems .NET
/// supports). Checkpoints, reports, model files, the dataset cache and its verification stamps all write this way.
/// </summary>
/// <remarks>
/// A name held by something other than a regular file (a directory, a device, a pipe) is refused, never replaced:
/// renaming over <c>/dev/full</c> as root would replace the device node. A symbolic link is followed, so the file it
/// points at gets the new content and the link stays. A killed writer leaves its temporary file behind;
/// <see cref="DeleteAbandonedTemporaries"/> removes those whose process is gone.
/// </remarks>
public static class AtomicFile
{
    /// <summary>The suffix of every temporary file: <c>NAME.PID.tmp</c>.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <param name="path">The file to replace or create.</param>
    /// <param name="write">Writes the new content.</param>
    /// <param name="flushToDisk">
    /// True (checkpoints, model files) flushes the temporary to the disk before the rename, so the new name never points
    /// at data still in the page cache; false (reports rewritten every epoch, the cache) leaves that to the OS.
    /// </param>
    /// <param name="createFolder">
    /// True creates the file's folder and its parents when they are missing; false fails instead, for a folder that was
    /// there and must not be made again in part if it went away (a run's checkpoint folder while it trains).
    /// </param>
    /// <exception cref="FileWriteException">The file system failed the write (disk full, no permission, an I/O error); the
    /// previous content is untouched. Whatever else <paramref name="write"/> throws comes out as itself, the previous
    /// content untouched as well: only the file system's failures are reported as files that could not be written.</exception>
    public static void Write(string path, Action<Stream> write, bool flushToDisk = true, bool createFolder = true)
    {
        ArgumentNullException.ThrowIfNull(write);
        using PendingFile pending = Begin(path, createFolder);
        FileStream file;
        try
        {
            file = new FileStream(pending.TemporaryPath, FileMode.Create, FileAccess.Write, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileWriteException(pending.Path, FileSystemError.Reason(e), e);
        }

        using (var stream = new TemporaryFileStream(file, pending.Path))
        {
            write(stream);
            stream.Flush(flushToDisk);
        }

        pending.Commit();
    }

    /// <summary>Writes <paramref name="content"/> as UTF-8 without a BOM (see <see cref="Write"/>).</summary>
    public static void WriteAllText(string path, string content, bool flushToDisk = false, bool createFolder = true)
    {
        ArgumentNullException.ThrowIfNull(content);
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content), flushToDisk, createFolder);
    }

    /// <summary>Writes <paramref name="content"/> (see <see cref="Write"/>).</summary>
    public static void WriteAllBytes(string path, byte[] content, bool flushToDisk = false, bool createFolder = true)
    {
        ArgumentNullException.ThrowIfNull(content);
        Write(path, stream => stream.Write(content), flushToDisk, createFolder);
    }

    /// <summary>
    /// Starts a replacement whose content something else writes (a download, an unpacked file) to
    /// <see cref="PendingFile.TemporaryPath"/>; <see cref="PendingFile.Commit"/> renames it into place, and disposing an
    /// uncommitted one deletes the temporary.
    /// </summary>
    /// <param name="path">The file to replace or create.</param>
    /// <param name="createFolder">False fails when the file's folder is missing instead of creating it (see <see cref="Write"/>).</param>
    /// <exception cref="FileWriteException">The name is held by a directory, a device or a pipe, or its folder cannot be created (or is missing, with <paramref name="createFolder"/> false).</exception>
    public static PendingFile Begin(string path, bool createFolder = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Target(Path.GetFullPath(path));
        string folder = Path.GetDirectoryName(full)!;
        if (!createFolder)
        {
            return Directory.Exists(folder)
                ? new PendingFile(full, TemporaryPath(full, Environment.ProcessId))
                : throw new FileWriteException(full, $"its folder {ShownName.Of(folder)} is gone");
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileWriteException(full, FileKinds.BrokenLink(folder) ?? $"its folder {ShownName.Of(folder)} cannot be created ({FileSystemError.Reason(e)})", e);
        }

        return new PendingFile(full, TemporaryPath(full, Environment.ProcessId));
    }

    /// <summary>Where process <paramref name="processId"/> writes the new content of <paramref name="fullPath"/>: <c>NAME.PID.tmp</c> beside it.</summary>
    public static string TemporaryPath(string fullPath, int processId) =>
        string.Create(CultureInfo.InvariantCulture, $"{fullPath}.{processId}{TemporarySuffix}");

    /// <summary>The writing process of a <see cref="TemporaryPath"/>, or false when <paramref name="path"/> is not one.</summary>
    public static bool TryGetWriter(string path, out int processId)
    {
        processId = 0;
        string name = Path.GetFileName(path);
        if (!name.EndsWith(TemporarySuffix, StringComparison.Ordinal))
        {
            return false;
        }

        string pid = Path.GetExtension(Path.GetFileNameWithoutExtension(name)).TrimStart('.');
        return int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out processId) && processId > 0;
    }

    /// <summary>
    /// Deletes the temporaries in <paramref name="folder"/> whose writing process no longer runs. A temporary of a live
    /// process (this one, or another writing here) is left alone: it may be in the middle of a write.
    /// </summary>
    /// <param name="folder">The folder to tidy.</param>
    /// <param name="targetPattern">Which targets' temporaries, as a file pattern of the target name ("*.ckpt"); all by default.</param>
    /// <returns>The files deleted.</returns>
    public static IReadOnlyList<string> DeleteAbandonedTemporaries(string folder, string targetPattern = "*")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var deleted = new List<string>();
        if (!Directory.Exists(folder))
        {
            return deleted;
        }

        foreach (string temporary in Directory.EnumerateFiles(folder, targetPattern + ".*" + TemporarySuffix))
        {
            if (!TryGetWriter(temporary, out int pid) || IsWriting(pid, temporary))
            {
                continue;
            }

            try
            {
                File.Delete(temporary);
                deleted.Add(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process cleaning up at the same moment, or no permission: leave it for the next time.
            }
        }

        return deleted;
    }

    /// <summary>The file that receives the content: the path itself, or the file a symbolic link there points at.</summary>
    private static string Target(string full)
    {
        string target = full;
        try
        {
            if (new FileInfo(full).LinkTarget is not null && File.ResolveLinkTarget(full, returnFinalTarget: true) is { } linked)
            {
                target = linked.FullName;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileWriteException(full, FileSystemError.Reason(e), e);
        }

        FileKind kind = FileKinds.Of(target);
        if (kind == FileKind.NameTooLong)
        {
            throw new FileWriteException(full, FileSystemError.NameTooLong, remedy: "choose a shorter folder path");
        }

        if (kind is not (FileKind.Missing or FileKind.Regular))
        {
            throw FileWriteException.NotARegularFile(full, kind);
        }

        return target;
    }

    // Whether process pid, which named the temporary, may still be writing it. Ids are reused once their process is gone
    // (quickly where pid_max is 32768 and processes come and go): a process that started well after the temporary was last
    // written is not its writer. The second of slack covers the start time's rounding; a writer needs longer than that to
    // start up and write anything.
    private static bool IsWriting(int pid, string temporary)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.StartTime.ToUniversalTime() <= File.GetLastWriteTimeUtc(temporary).AddSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            // Its start time cannot be read: it may be the writer.
            return true;
        }
    }
}
