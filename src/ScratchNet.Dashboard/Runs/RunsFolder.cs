using ScratchNet.Files;

namespace ScratchNet.Dashboard.Runs;

/// <summary>
/// The runs folder as the dashboard may see it. A run is any direct subfolder holding history.json (written after each
/// epoch) or run.json (written when train starts, so a run stopped before its first epoch ended is listed too), whatever
/// its name.
/// Nothing outside the folder is ever read: a run is looked up by comparing the requested name with the names of
/// the folder's own entries (never by joining it into a path), only a fixed list of file names is opened, and a
/// symbolic link, whether it is a run folder or a file, is followed only when its final target lies inside the folder.
/// </summary>
public sealed class RunsFolder
{
    public const string HistoryFile = "history.json";
    public const string ConfigFile = "config.json";
    public const string MetricsFile = "metrics.json";
    public const string ModelFile = "model.snm";
    public const string StatusFile = "run.json";

    /// <summary>The files a page may ask for; anything else is refused before the file system is touched.</summary>
    public static IReadOnlySet<string> ReadableFiles { get; } = new HashSet<string>(StringComparer.Ordinal) { HistoryFile, ConfigFile, MetricsFile, ModelFile, StatusFile };

    public RunsFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The folder as configured (absolute).</summary>
    public string Path { get; }

    /// <summary>
    /// Every run, by name (ordinal order: time-ordered names list oldest first), each once: a link to a run is not a second
    /// run (it stays reachable by its name through <see cref="FindRun"/>). The folder is listed once and each entry
    /// resolved once, so listing n runs costs n lookups, not n².
    /// </summary>
    public IReadOnlyList<RunEntry> Runs()
    {
        string? root = RealRoot();
        if (root is null)
        {
            return [];
        }

        // A link to a run (runs/latest) is the same run: listed once, under the folder's own name where that is listed too.
        return [.. Directory.EnumerateDirectories(root)
            .Select(d => Entry(root, d))
            .OfType<RunEntry>()
            .GroupBy(r => r.Path, StringComparer.Ordinal)
            .Select(same => same.OrderBy(r => r.Id == System.IO.Path.GetFileName(r.Path) ? 0 : 1).ThenBy(r => r.Id, StringComparer.Ordinal).First())
            .OrderBy(r => r.Id, StringComparer.Ordinal)];
    }

    /// <summary>Every run's name, in the order of <see cref="Runs"/>.</summary>
    public IReadOnlyList<string> RunIds() => [.. Runs().Select(r => r.Id)];

    /// <summary>The real path of the run called <paramref name="id"/>, or null when there is no such run inside the folder.</summary>
    public string? Find(string? id) => FindRun(id)?.Path;

    /// <summary>The run called <paramref name="id"/>, or null when there is no such run inside the folder.</summary>
    public RunEntry? FindRun(string? id)
    {
        // Only this system's separators make a name a path: on Linux a backslash is an ordinary character of a folder's
        // name, which Runs() lists, so refusing it here listed a run that could not be opened.
        if (string.IsNullOrEmpty(id) || id is "." or ".." || id.IndexOfAny([System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar, '\0']) >= 0 || id.Length > 255)
        {
            return null;
        }

        string? root = RealRoot();
        if (root is null)
        {
            return null;
        }

        // The name must be one the folder lists; a request cannot make up a path.
        string? entry = Directory.EnumerateDirectories(root).FirstOrDefault(d => string.Equals(System.IO.Path.GetFileName(d), id, StringComparison.Ordinal));
        return entry is null ? null : Entry(root, entry);
    }

    /// <summary>The real path of one of the <see cref="ReadableFiles"/> of a run found by <see cref="Runs"/> or <see cref="FindRun"/>, or null as for <see cref="File(string?, string)"/>.</summary>
    public string? File(RunEntry run, string name)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(name);
        return ReadableFiles.Contains(name) && RealRoot() is { } root ? FileIn(root, run.Path, name) : null;
    }

    /// <summary>
    /// Why a run's file cannot be read although something by its name is there: "is a folder, not a file", "is a named pipe
    /// (FIFO), not a file" (which would block whoever opened it); null when it is a file or absent. One wording for the
    /// runs list and the explorer, so a file has one reason wherever it is asked for.
    /// </summary>
    public static string? NotAFile(RunEntry run, string name)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(name);
        return FileKinds.NotAFile(System.IO.Path.Combine(run.Path, name));
    }

    // A direct subfolder (or a link to one inside the folder) with a history.json or a run.json; null for anything else.
    private static RunEntry? Entry(string root, string folder)
    {
        if (Inside(root, RealPath(folder)) is not { } run || (FileIn(root, run, HistoryFile) ?? FileIn(root, run, StatusFile)) is not { } written)
        {
            return null;
        }

        return new RunEntry(System.IO.Path.GetFileName(folder), run, System.IO.File.GetLastWriteTimeUtc(written));
    }

    /// <summary>The real path of one of the <see cref="ReadableFiles"/> of a run, or null when it is absent, not a plain file, or leads outside.</summary>
    public string? File(string? id, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ReadableFiles.Contains(name) && FindRun(id) is { } run ? File(run, name) : null;
    }

    private static string? FileIn(string root, string run, string name)
    {
        string candidate = System.IO.Path.Combine(run, name);

        // File.Exists is true for a link to nothing, whose end RealPath cannot find (a loop throws): NotAFile names it.
        if (!System.IO.File.Exists(candidate) || FileKinds.Of(candidate) == FileKind.Missing)
        {
            return null;
        }

        string? real = Inside(root, RealPath(candidate));
        return real is not null && System.IO.File.Exists(real) ? real : null;
    }

    private string? RealRoot() => Directory.Exists(Path) ? RealPath(Path) : null;

    /// <summary>The path with its final component's links followed to the end (the folders above are resolved by the caller's root).</summary>
    private static string RealPath(string path)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        string full = info.LinkTarget is null ? info.FullName : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        string? parent = System.IO.Path.GetDirectoryName(full);
        if (parent is null)
        {
            return full;
        }

        // Resolve links among the folders above too, so "inside" is judged on real locations only.
        return System.IO.Path.Combine(ResolveFolders(parent), System.IO.Path.GetFileName(full));
    }

    private static string ResolveFolders(string folder)
    {
        string? parent = System.IO.Path.GetDirectoryName(folder);
        if (parent is null)
        {
            return folder;
        }

        string resolvedParent = ResolveFolders(parent);
        var info = new DirectoryInfo(System.IO.Path.Combine(resolvedParent, System.IO.Path.GetFileName(folder)));
        return info.LinkTarget is null ? info.FullName : ResolveFolders(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName);
    }

    private static string? Inside(string root, string path)
    {
        string prefix = root.EndsWith(System.IO.Path.DirectorySeparatorChar) ? root : root + System.IO.Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal) ? path : null;
    }
}
