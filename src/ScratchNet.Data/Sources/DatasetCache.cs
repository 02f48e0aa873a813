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
    private bool _writable;

    /// <param name="directory">The dataset's folder, e.g. <c>~/.cache/scratchnet/mnist</c>.</param>
    /// <param name="sources">Tried in this order for each missing file.</param>
    /// <param name="logger">One line per failing source, one per fetched file.</param>
    /// <param name="origin">What chose the folder, for messages (<see cref="CacheLocation.Origin"/>).</param>
    public DatasetCache(string directory, IEnumerable<IDataSource> sources, ILogger<DatasetCache> logger, string origin = "set by Data:CacheDirectory")
    {
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

    /// <summary>Makes sure every file of <paramref name="manifest"/> is in the folder and verified.</summary>
    /// <returns>The path of each file, by file name.</returns>
    /// <exception cref="DatasetUnavailableException">A file is missing and no source could deliver it.</exception>
    public async Task<IReadOnlyDictionary<string, string>> EnsureAsync(DatasetManifest manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        CreateDirectory(manifest);
        RemoveStalePartials();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);

        // Sources that are out of reach as a whole are skipped for the remaining files; their reason is kept for the error.
        var unreachable = new Dictionary<IDataSource, string>();
        foreach (DataFile file in manifest.Files)
        {
            paths[file.Name] = await EnsureFileAsync(manifest, file, unreachable, cancellationToken).ConfigureAwait(false);
        }

        return paths;
    }

    /// <summary>
    /// Hashes every cached file of <paramref name="manifest"/> in full, ignoring the verification stamps, and sets aside
    /// each whose hash is wrong (as <c>NAME.rejected-cache</c>), so the next <see cref="EnsureAsync"/> fetches it again.
    /// For when a cached file fails to parse: its content may have rotted while its size and time stayed the same.
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
                SetAside(file, final, actual);
                rejected.Add(file.Name);
            }
        }

        return rejected;
    }

    private void SetAside(DataFile file, string final, string actual)
    {
        VerificationStamp.Delete(final);
        string rejected = RejectedPath(file, "cache");
        File.Move(final, rejected, overwrite: true);
        _logger.LogWarning("Cached {File} has SHA-256 {Actual}, expected {Expected}; moved it aside to {RejectedPath} and fetching again", file.Name, actual, file.Sha256, rejected);
    }

    private async Task<string> EnsureFileAsync(DatasetManifest manifest, DataFile file, Dictionary<IDataSource, string> unreachable, CancellationToken cancellationToken)
    {
        string final = Path.Combine(Directory, file.Name);
        if (FileKinds.Of(final) is not (FileKind.Missing or FileKind.Regular or FileKind.Unknown) and var kind)
        {
            throw new DatasetUnavailableException($"{final} in the cache {FileKinds.NotA(kind, "a regular file")}; remove it (the next start fetches the file again) or set Data:CacheDirectory to another folder.");
        }

        if (File.Exists(final))
        {
            // Start-up budget: re-hashing 62 MB costs ~100 ms on every run. A file still carrying the size and
            // modification time recorded when it was last verified is taken as verified (as git trusts its index).
            if (VerificationStamp.Matches(final, file.Sha256))
            {
                return final;
            }

            string actual = await FileHash.Sha256Async(final, cancellationToken).ConfigureAwait(false);
            if (HashEquals(actual, file.Sha256))
            {
                VerificationStamp.TryWrite(final, file.Sha256);
                return final;
            }

            EnsureWritable(manifest);
            SetAside(file, final, actual);
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
                    VerificationStamp.TryWrite(final, file.Sha256);
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
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetUnavailableException(
                $"Cannot create the {manifest.Name} cache folder {Directory} ({_origin}): {FileKinds.BrokenLink(Directory) ?? FileSystemError.Reason(ex)}. Set Data:CacheDirectory to a writable folder.", ex);
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
