namespace ScratchNet.Files;

/// <summary>Checks, before any work, that files can be written into a folder: create it, write and delete a probe file.</summary>
public static class OutputFolder
{
    private const string ProbeName = ".write-probe";

    /// <summary>
    /// The folders <see cref="Probe"/> would create for <paramref name="folder"/>, deepest first: it and each missing
    /// parent, so a caller that gives up before writing anything can remove what it made.
    /// </summary>
    public static IReadOnlyList<string> Missing(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var missing = new List<string>();
        for (string? path = Path.GetFullPath(folder); path is not null && FileKinds.Of(path) == FileKind.Missing; path = Path.GetDirectoryName(path))
        {
            missing.Add(path);
        }

        return missing;
    }

    /// <summary>Creates <paramref name="folder"/> if needed and writes and deletes a small probe file in it.</summary>
    /// <param name="folder">The folder to check.</param>
    /// <param name="longestName">
    /// The length of the longest name (a relative path counts whole) the caller will write below the folder, without the
    /// temporary's <c>.PID.tmp</c>: the probe's name is made as long, so a path the file system finds too long fails here
    /// rather than at the first checkpoint.
    /// </param>
    /// <returns>Null when the folder is writable, else why not ("… cannot be written: Read-only file system").</returns>
    public static string? Probe(string folder, int longestName = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentOutOfRangeException.ThrowIfNegative(longestName);
        string full = Path.GetFullPath(folder);
        FileKind kind = FileKinds.Of(full);
        if (kind is not (FileKind.Missing or FileKind.Directory))
        {
            return $"{ShownName.Of(full)} {FileKinds.NotA(kind, "a folder")}";
        }

        if (kind == FileKind.Missing && FileKinds.BrokenLink(full) is { } broken)
        {
            return broken;
        }

        string probe = AtomicFile.TemporaryPath(Path.Combine(full, ProbeName.PadRight(longestName, '-')), Environment.ProcessId);
        try
        {
            Directory.CreateDirectory(full);

            // A process killed while probing leaves its probe behind: tidy those of processes that are gone.
            AtomicFile.DeleteAbandonedTemporaries(full, ProbeName + "*");
            using (var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                // One block, so a file system with no space left at all fails here rather than at the first checkpoint.
                stream.Write(new byte[4096]);
                stream.Flush(flushToDisk: true);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder that is there but where no file can be made (/proc/self: ENOENT on create) is not "missing".
            string reason = e is FileNotFoundException or DirectoryNotFoundException && FileKinds.Of(full) == FileKind.Directory
                ? "it takes no new files (its file system does not let one be made there)"
                : FileSystemError.Reason(e);
            return $"{ShownName.Of(full)} cannot be written: {reason}";
        }
    }
}
