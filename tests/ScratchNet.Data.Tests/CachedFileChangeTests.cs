using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;

namespace ScratchNet.Data.Tests;

/// <summary>
/// A cached file changed in place while its size and modification time stayed the same (bit rot, an edit that restores
/// the time, a cache copied with <c>cp -a</c>) still parses when only its labels moved: the loader must notice from the
/// content, set the file aside and fetch it again, not train on wrong labels. Needs the real MNIST files (their hashes
/// are fixed); the fresh copy comes from a local folder holding them, so no network is used.
/// </summary>
[Category("Integration")]
public sealed class CachedFileChangeTests
{
    [Test]
    public async Task LabelsChangedInPlaceWithSizeAndTimeKeptAreSetAsideAndFetchedAgain()
    {
        IReadOnlyDictionary<string, string> real = await RealFilesAsync();
        using var dir = new TempDirectory();
        string cacheFolder = CacheHolding(real, dir.Combine("cache"));

        var options = new DataOptions { CacheDirectory = dir.Combine("cache"), Split = DataOptions.OfficialSplit, Mirrors = [], UseNpm = false };
        Dataset clean = await Provider(options, cacheFolder, dir.Combine("pristine-unused")).LoadAsync();

        // Every label moved on by one: a valid file of the same size, its modification time put back.
        string labels = Path.Combine(cacheFolder, MnistFiles.TrainLabels.Name);
        byte[] good = File.ReadAllBytes(labels);
        byte[] shifted = IdxFiles.ShiftedLabels(good);
        InPlaceEdit.Write(labels, shifted);

        Dataset reloaded = await Provider(options, cacheFolder, Path.GetDirectoryName(real[MnistFiles.TrainLabels.Name])!).LoadAsync();

        Assert.That(reloaded.Train.Labels.ToArray(), Is.EqualTo(clean.Train.Labels.ToArray()), "trained on the right labels");
        Assert.That(File.ReadAllBytes(labels), Is.EqualTo(good), "fetched again");
        Assert.That(File.ReadAllBytes(labels + ".rejected-cache"), Is.EqualTo(shifted), "set aside byte for byte, for inspection");
        Assert.That(Directory.GetFiles(cacheFolder).Select(Path.GetFileName).Where(name => name!.Contains(".rejected-", StringComparison.Ordinal)),
            Is.EqualTo(new[] { MnistFiles.TrainLabels.Name + ".rejected-cache" }), "the other files were right and stay");
    }

    [Test]
    public async Task ALabelPastTheClassNamesInADamagedCachedFile_IsSetAsideAndFetchedAgain_NotBlamedOnTheSettings()
    {
        // A hashed dataset is verified before any content check: else label 16 would be read as too few Data:ClassNames.
        IReadOnlyDictionary<string, string> real = await RealFilesAsync();
        using var dir = new TempDirectory();
        string cacheFolder = CacheHolding(real, dir.Combine("cache"));

        string labels = Path.Combine(cacheFolder, MnistFiles.TrainLabels.Name);
        byte[] good = File.ReadAllBytes(labels);
        byte[] damaged = (byte[])good.Clone();
        damaged[8] = 16;
        InPlaceEdit.Write(labels, damaged);
        var options = new DataOptions { CacheDirectory = dir.Combine("cache"), Split = DataOptions.OfficialSplit, Mirrors = [], UseNpm = false };

        Dataset reloaded = await Provider(options, cacheFolder, Path.GetDirectoryName(real[MnistFiles.TrainLabels.Name])!).LoadAsync();

        Assert.That(reloaded.Train.Labels[0], Is.EqualTo(good[8]), "trained on the right label");
        Assert.That(File.ReadAllBytes(labels), Is.EqualTo(good), "fetched again");
        Assert.That(File.ReadAllBytes(labels + ".rejected-cache"), Is.EqualTo(damaged), "set aside byte for byte");
    }

    // A cache folder (CACHE/mnist) holding a copy of each real file.
    private static string CacheHolding(IReadOnlyDictionary<string, string> real, string cache)
    {
        string cacheFolder = Path.Combine(cache, "mnist");
        Directory.CreateDirectory(cacheFolder);
        foreach (DataFile file in MnistFiles.All)
        {
            File.Copy(real[file.Name], Path.Combine(cacheFolder, file.Name));
        }

        return cacheFolder;
    }

    private static IdxDatasetProvider Provider(DataOptions options, string cacheFolder, string freshCopies) =>
        new(Microsoft.Extensions.Options.Options.Create(options),
            new DatasetCache(cacheFolder, [new LocalDirectorySource(freshCopies)], NullLogger<DatasetCache>.Instance),
            NullLogger<IdxDatasetProvider>.Instance);

    private static async Task<IReadOnlyDictionary<string, string>> RealFilesAsync()
    {
        var options = new DataOptions { CacheDirectory = Environment.GetEnvironmentVariable("SCRATCHNET_TEST_CACHE"), Mirrors = [], DownloadTimeoutSeconds = 300 };
        using DataSourceChain chain = DataSourceChain.FromOptions(options, NullLoggerFactory.Instance);
        var cache = new DatasetCache(CacheLocation.DatasetDirectory(options.CacheDirectory, options.Dataset), chain.Sources, NullLogger<DatasetCache>.Instance);
        return await cache.EnsureAsync(MnistFiles.Manifest(options.NpmPackage));
    }
}
