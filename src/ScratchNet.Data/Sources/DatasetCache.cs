using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using ScratchNet.Files;

namespace ScratchNet.Data.Sources;

/// <summary>
/// Keeps verified copies of a dataset's files in one folder and fetches the missing ones through the
/// sources in order. Nothing enters the folder unverified: each source writes to the file's
/// <see cref="AtomicFile"/> temporary there (<c>NAME.PID.tmp</c>, same filesystem, so the final rename is atomic),
/// the SHA-256 is checked, and only then is it renamed into place. A copy whose hash is wrong is set aside as
/// <c>name.rejected-source</c> for inspection.
/// </summary>
public sealed class DatasetCache
{
    private const string RejectedInfix = ".rejected-";
    private const int MaxSourceSlug = 60;

    private readonly IReadOnlyList<IDataSource> _sources;
    private readonly ILogger<DatasetCache> _logger;
    private readonly string _origin;
    private readonly string? _privateRoot;
    private bool _writable;

    /// <param name="directory">The dataset's folder, e.g. <c>~/.cache/scratchnet/mnist</c>.</param>
    /// <param name="sources">Tried in this order for each missing file.</param>
    /// <param name="logger">One line per failing source, one per fetched file.</param>
    /// <param name="origin">What chose the folder, for messages (<see cref="CacheLocation.Origin"/>).</param>
    /// <param name="privateRoot">The folder above it that must be this user's alone, made so before it is used: the cache
    /// root in the temp folder (<see cref="CacheLocation.SharedTempRoot"/>); null for any other place.</param>
    public DatasetCache(string directory, IEnumerable<IDataSource> sources, ILogger<DatasetCache> logger, string origin = "set by Data:CacheDirectory", string? privateRoot = null)
    {
        _privateRoot = privateRoot;
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        _origin = origin;
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(logger);
        Directory = Path.GetFullPath(directory);
        _sources = [.. sources];
        _logger = logger;
    }

    public string Directory { get; }

    public IReadOnlyList<IDataSource> Sources => _sources;

    /// <summary>
    /// Makes sure every file of <paramref name="manifest"/> is in the folder and verified: a file already there is
    /// hashed in full (set aside and fetched again if its hash is wrong), a missing one is fetched and verified.
    /// </summary>
    /// <returns>The path of each file, by file name.</returns>
    /// <exception cref="DatasetUnavailableException">A file is missing and no source could deliver it.</exception>
    public Task<IReadOnlyDictionary<string, string>> EnsureAsync(DatasetManifest manifest, CancellationToken cancellationToken = default) =>
        EnsureAsync(manifest, hashCached: true, cancellationToken);

    /// <summary>
    /// Fetches (and verifies) the files of <paramref name="manifest"/> that are missing, but returns a complete cache's
    /// files without hashing them: for a reader that hashes each file while it parses it (<c>IdxReader.Read</c> with a
    /// hash) and then hands the digests to <see cref="SetAsideMismatched"/>, so a file is read once, not twice. Where a
    /// file is missing, the others are hashed here as by <see cref="EnsureAsync(DatasetManifest, CancellationToken)"/>.
    /// </summary>
    /// <returns>The path of each file, by file name.</returns>
    /// <exception cref="DatasetUnavailableException">A file is missing and no source could deliver it.</exception>
    public Task<IReadOnlyDictionary<string, string>> EnsurePresentAsync(DatasetManifest manifest, CancellationToken cancellationToken = default) =>
        EnsureAsync(manifest, hashCached: false, cancellationToken);

    /// <summary>
    /// Sets aside (as <c>NAME.rejected-cache</c>) each cached file whose SHA-256, as its reader computed it, is not the one
    /// <paramref name="manifest"/> names, so the next <see cref="EnsurePresentAsync"/> fetches it again.
    /// </summary>
    /// <param name="manifest">The dataset's files and their expected hashes.</param>
    /// <param name="sha256ByName">The digest of every file read, by file name (lower-case hex).</param>
    /// <returns>The names of the files set aside.</returns>
    /// <exception cref="DatasetUnavailableException">A file must be set aside but the cache folder cannot be written.</exception>
    public IReadOnlyList<string> SetAsideMismatched(DatasetManifest manifest, IReadOnlyDictionary<string, string> sha256ByName)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(sha256ByName);
        var rejected = new List<string>();
        foreach (DataFile file in manifest.Files)
        {
            if (!sha256ByName.TryGetValue(file.Name, out string? actual) || HashEquals(actual, file.Sha256))
            {
                continue;
            }

            SetAside(manifest, file, Path.Combine(Directory, file.Name), actual);
            rejected.Add(file.Name);
        }

        return rejected;
    }

    private async Task<IReadOnlyDictionary<string, string>> EnsureAsync(DatasetManifest manifest, bool hashCached, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        CreateDirectory(manifest);
        RemoveStalePartials();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);

        // Sources that are out of reach as a whole are skipped for the remaining files; their reason is kept for the error.
        var unreachable = new Dictionary<IDataSource, string>();

        // A cache that lacks a file needs a fetch, which dwarfs a second read: the files it has are hashed here too, so a
        // wrong one is set aside (and fetched) now, not left under its name when the missing file cannot be had.
        bool hash = hashCached || manifest.Files.Any(f => !File.Exists(Path.Combine(Directory, f.Name)));
        foreach (DataFile file in manifest.Files)
        {
            paths[file.Name] = await EnsureFileAsync(manifest, file, hash, unreachable, cancellationToken).ConfigureAwait(false);
        }

        return paths;
    }

    /// <summary>
    /// Hashes every cached file of <paramref name="manifest"/> in full and sets aside each whose hash is wrong (as
    /// <c>NAME.rejected-cache</c>), so the next <see cref="EnsurePresentAsync"/> fetches it again. For when a cached file
    /// fails to parse, so its reader never got to the end of it and has no digest to give <see cref="SetAsideMismatched"/>.
    /// </summary>
    /// <returns>The names of the files set aside.</returns>
    public async Task<IReadOnlyList<string>> RejectDamagedAsync(DatasetManifest manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var rejected = new List<string>();
        foreach (DataFile file in manifest.Files)
        {
            string final = Path.Combine(Directory, file.Name);
            if (!File.Exists(final))
            {
                continue;
            }

            string actual = await FileHash.Sha256Async(final, cancellationToken).ConfigureAwait(false);
            if (!HashEquals(actual, file.Sha256))
            {
                SetAside(manifest, file, final, actual);
                rejected.Add(file.Name);
            }
        }

        return rejected;
    }

    private void SetAside(DatasetManifest manifest, DataFile file, string final, string actual)
    {
        try
        {
            EnsureWritable(manifest);
        }
        catch (DatasetUnavailableException ex)
        {
            // Without this, a read-only cache holding a wrong file would say only that nothing can be fetched into it.
            throw new DatasetUnavailableException($"Cached {file.Name} has SHA-256 {actual}, expected {file.Sha256}, and cannot be replaced: {ex.Message}", ex);
        }

        string rejected = RejectedPath(file, "cache");
        File.Move(final, rejected, overwrite: true);
        _logger.LogWarning("Cached {File} has SHA-256 {Actual}, expected {Expected}; moved it aside to {RejectedPath} and fetching again", file.Name, actual, file.Sha256, rejected);
    }

    private async Task<string> EnsureFileAsync(DatasetManifest manifest, DataFile file, bool hashCached, Dictionary<IDataSource, string> unreachable, CancellationToken cancellationToken)
    {
        string final = Path.Combine(Directory, file.Name);
        if (FileKinds.Of(final) is not (FileKind.Missing or FileKind.Regular or FileKind.Unknown) and var kind)
        {
            throw new DatasetUnavailableException($"{ShownName.Of(final)} in the cache {FileKinds.NotA(kind, "a regular file")}; remove it (the next start fetches the file again) or set Data:CacheDirectory to another folder.");
        }

        if (File.Exists(final))
        {
            // Nothing about a file but its content proves it unchanged: size and modification time survive bit rot, an
            // edit that restores them, and a cache copied with cp -a or rsync -a. So a cached file is hashed on every
            // start, here or (to read it once, not twice) by the reader that parses it.
            if (!hashCached)
            {
                return final;
            }

            string actual = await FileHash.Sha256Async(final, cancellationToken).ConfigureAwait(false);
            if (HashEquals(actual, file.Sha256))
            {
                return final;
            }

            SetAside(manifest, file, final, actual);
        }

        EnsureWritable(manifest);

        var failures = new List<(string Source, string Reason)>();

        // A .gz placed in the folder by hand is taken like any source, so it is verified the same way.
        if (File.Exists(final + ".gz"))
        {
            var handPlaced = new LocalDirectorySource(Directory);
            if (await TryFetchAsync(handPlaced, file, final, failures, unreachable, cancellationToken).ConfigureAwait(false))
            {
                return final;
            }
        }

        foreach (IDataSource source in _sources)
        {
            if (unreachable.TryGetValue(source, out string? reason))
            {
                failures.Add((source.Name, reason));
                continue;
            }

            if (await TryFetchAsync(source, file, final, failures, unreachable, cancellationToken).ConfigureAwait(false))
            {
                return final;
            }
        }

        throw new DatasetUnavailableException(Unavailable(manifest, file, failures));
    }

    private async Task<bool> TryFetchAsync(
        IDataSource source, DataFile file, string final, List<(string Source, string Reason)> failures, Dictionary<IDataSource, string> unreachable, CancellationToken cancellationToken)
    {
        using PendingFile pending = AtomicFile.Begin(final);
        string temp = pending.TemporaryPath;
        var clock = Stopwatch.StartNew();
        string reason;
        try
        {
            await source.FetchAsync(file, temp, cancellationToken).ConfigureAwait(false);
            if (!File.Exists(temp))
            {
                reason = "it reported success but wrote nothing";
            }
            else
            {
                string actual = await FileHash.Sha256Async(temp, cancellationToken).ConfigureAwait(false);
                if (HashEquals(actual, file.Sha256))
                {
                    pending.Commit();
                    _logger.LogInformation("Fetched {File} from {Source} in {ElapsedMs} ms", file.Name, source.Name, clock.ElapsedMilliseconds);
                    return true;
                }

                string rejected = RejectedPath(file, source.Name);
                File.Move(temp, rejected, overwrite: true);
                reason = $"its copy has SHA-256 {actual}, expected {file.Sha256}; kept aside as {rejected}";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DataSourceException ex)
        {
            reason = ex.Message;
            if (ex.SourceUnavailable)
            {
                unreachable[source] = reason;
            }
        }
        catch (Exception ex)
        {
            // Whatever went wrong with one source, the next one still deserves its turn.
            reason = ex is IOException or UnauthorizedAccessException ? FileSystemError.Reason(ex) : ex.Message;
        }

        failures.Add((source.Name, reason));
        _logger.LogWarning("Source {Source} could not deliver {File}: {Reason}", source.Name, file.Name, reason);
        return false;
    }

    private void CreateDirectory(DatasetManifest manifest)
    {
        if (_privateRoot is not null)
        {
            CacheLocation.EnsurePrivate(_privateRoot, _origin);
        }

        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetUnavailableException(
                $"Cannot create the {manifest.Name} cache folder {ShownName.Of(Directory)} ({_origin}): {FileKinds.BrokenLink(Directory) ?? FileSystemError.Reason(ex)}. Set Data:CacheDirectory to a writable folder.", ex);
        }
    }

    /// <summary>
    /// Before the first file is fetched or set aside: a cache folder that cannot be written would take a whole download
    /// and then refuse it, and the advice to place the files there by hand could not work either. A read-only cache that
    /// already holds every file is never probed, and works.
    /// </summary>
    private void EnsureWritable(DatasetManifest manifest)
    {
        if (_writable)
        {
            return;
        }

        // As long as the longest name written here: a file set aside as NAME.rejected-SOURCE.
        int longestName = manifest.Files.Max(f => f.Name.Length) + RejectedInfix.Length + MaxSourceSlug;
        if (OutputFolder.Probe(Directory, longestName) is { } problem)
        {
            throw new DatasetUnavailableException(
                $"The {manifest.Name} cache folder {problem} ({_origin}), so nothing can be fetched into it. Make it writable, or set Data:CacheDirectory to a writable folder.");
        }

        _writable = true;
    }

    /// <summary>Removes what killed processes left behind: never read as data, but each can be as large as the dataset's biggest file.</summary>
    private void RemoveStalePartials()
    {
        foreach (string path in AtomicFile.DeleteAbandonedTemporaries(Directory))
        {
            _logger.LogInformation("Removed {PartialPath}, left behind by an interrupted fetch", path);
        }
    }

    private string Unavailable(DatasetManifest manifest, DataFile file, List<(string Source, string Reason)> failures)
    {
        var text = new StringBuilder();
        text.Append("Could not obtain ").Append(file.Name).Append(" (").Append(manifest.Name).Append(").");
        if (failures.Count == 0)
        {
            text.Append(" No sources are configured (Data:Mirrors is empty and Data:UseNpm is false).");
        }
        else
        {
            text.Append(" Tried, in order:");
            foreach ((string source, string reason) in failures)
            {
                text.AppendLine().Append("  - ").Append(source).Append(": ").Append(reason);
            }
        }

        text.AppendLine()
            .Append("To place the files by hand, put ")
            .Append(string.Join(", ", manifest.Files.Select(f => f.Name)))
            .Append(" (raw, or gzip-compressed with a .gz suffix) in ")
            .Append(ShownName.Of(Directory))
            .Append(" (").Append(_origin).Append("); ")
            .Append(manifest.ManualHint)
            .Append(". Their SHA-256 are checked on the next start.");
        return text.ToString();
    }

    private string RejectedPath(DataFile file, string sourceName)
    {
        var slug = new StringBuilder(sourceName.Length);
        foreach (char c in sourceName)
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
        }

        string suffix = slug.Length > MaxSourceSlug ? slug.ToString(0, MaxSourceSlug) : slug.ToString();
        return Path.Combine(Directory, $"{file.Name}{RejectedInfix}{suffix}");
    }

    private static bool HashEquals(string actual, string expected) => string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase);
}
