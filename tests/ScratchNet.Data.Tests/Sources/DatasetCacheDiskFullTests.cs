using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ScratchNet.Data.Sources;

namespace ScratchNet.Data.Tests.Sources;

/// <summary>
/// The disk fills up while a file is being saved into the cache: the files already there stay as they were, nothing
/// half-written is left under any name the loader reads, and the error says what happened. (A real full filesystem,
/// a tiny tmpfs, is exercised end to end by the Host's explicit DiskFullTmpfsTests.)
/// </summary>
public sealed class DatasetCacheDiskFullTests
{
    private const int ENOSPC = 28;

    private readonly byte[] _images = IdxFiles.Images(count: 20, rows: 4, cols: 4, seed: 11);
    private readonly byte[] _labels = IdxFiles.Labels(count: 20, seed: 12);
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private DatasetManifest Manifest => new(
        "Tiny",
        [new DataFile("labels-idx1-ubyte", IdxFiles.Sha256(_labels)), new DataFile("images-idx3-ubyte", IdxFiles.Sha256(_images))],
        "try `npm pack tiny`");

    /// <summary>A source whose write runs out of space halfway, as FileStream reports it on Unix.</summary>
    private Mock<IDataSource> DiskFullSource()
    {
        var source = new Mock<IDataSource>();
        source.SetupGet(s => s.Name).Returns("full-disk");
        source.Setup(s => s.FetchAsync(It.IsAny<DataFile>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async (DataFile _, string path, CancellationToken token) =>
            {
                await using var output = new FileStream(path, FileMode.Create, FileAccess.Write);
                await output.WriteAsync(_images.AsMemory(0, _images.Length / 2), token);
                await output.FlushAsync(token);
                throw new IOException($"No space left on device : '{path}'", ENOSPC);
            });
        return source;
    }

    [Test]
    public async Task ASaveThatRunsOutOfSpaceLeavesTheVerifiedFilesIntactAndNoPartialFile()
    {
        string folder = _dir.Combine("cache");
        Directory.CreateDirectory(folder);
        string labels = Path.Combine(folder, "labels-idx1-ubyte");
        await File.WriteAllBytesAsync(labels, _labels);
        DateTime labelsWritten = File.GetLastWriteTimeUtc(labels);
        var cache = new DatasetCache(folder, [DiskFullSource().Object], NullLogger<DatasetCache>.Instance);

        var ex = Assert.ThrowsAsync<DatasetUnavailableException>(() => cache.EnsureAsync(Manifest));

        Assert.That(ex!.Message, Does.StartWith("Could not obtain images-idx3-ubyte (Tiny). Tried, in order:"));
        Assert.That(ex.Message, Does.Contain("full-disk: No space left on device").And.Not.Contain("IOException"));
        Assert.That(File.ReadAllBytes(labels), Is.EqualTo(_labels));
        Assert.That(File.GetLastWriteTimeUtc(labels), Is.EqualTo(labelsWritten), "a verified file is not rewritten");
        Assert.That(
            Directory.GetFiles(folder).Select(Path.GetFileName),
            Is.EqualTo(new[] { "labels-idx1-ubyte" }),
            "no partial, no half-written images");
    }

    [Test]
    public async Task AfterSpaceIsFreedTheNextStartCompletesTheCache()
    {
        string folder = _dir.Combine("cache");
        Assert.ThrowsAsync<DatasetUnavailableException>(() => new DatasetCache(folder, [DiskFullSource().Object], NullLogger<DatasetCache>.Instance).EnsureAsync(Manifest));
        string source = _dir.Combine("source");
        Directory.CreateDirectory(source);
        await File.WriteAllBytesAsync(Path.Combine(source, "images-idx3-ubyte"), _images);
        await File.WriteAllBytesAsync(Path.Combine(source, "labels-idx1-ubyte"), _labels);

        IReadOnlyDictionary<string, string> paths = await new DatasetCache(folder, [new LocalDirectorySource(source)], NullLogger<DatasetCache>.Instance).EnsureAsync(Manifest);

        Assert.That(File.ReadAllBytes(paths["images-idx3-ubyte"]), Is.EqualTo(_images));
    }
}
