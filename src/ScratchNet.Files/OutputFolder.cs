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
    /// <returns>Null when the folder is writable, else why not in the system's words ("Read-only file system").</returns>
    public static string? Probe(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string full = Path.GetFullPath(folder);
        FileKind kind = FileKinds.Of(full);
        if (kind is not (FileKind.Missing or FileKind.Directory))
        {
            return $"{full} is {FileKinds.Describe(kind)}, not a folder";
        }

        string probe = AtomicFile.TemporaryPath(Path.Combine(full, ProbeName), Environment.ProcessId);
        try
        {
            Directory.CreateDirectory(full);

            // A process killed while probing leaves its probe behind: tidy those of processes that are gone.
            AtomicFile.DeleteAbandonedTemporaries(full, ProbeName);
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
            return $"{full} cannot be written: {e.Message}";
        }
    }
}
