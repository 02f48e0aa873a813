using System.Globalization;
using ScratchNet.Data.Sources;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>
/// A cached file whose content rotted while its size and modification time stayed the same fails to parse before its
/// reader has hashed all of it; the run must not end at exit 4 with no way out: the file is hashed in full, set aside
/// and fetched again. Needs the real MNIST files (their hashes are fixed).
/// </summary>
[Category("Integration")]
public sealed class ProcessCacheRotTests
{
    [Test]
    public async Task ACachedFileThatRottedInPlaceIsSetAsideAndFetchedAgain()
    {
        IReadOnlyDictionary<string, string> real = await RealMnist.EnsureAsync();
        using var dir = new TempDirectory();
        string folder = Path.Combine(dir.Combine("cache"), "mnist");
        Directory.CreateDirectory(folder);
        foreach (DataFile file in MnistFiles.All)
        {
            string copy = Path.Combine(folder, file.Name);
            File.Copy(real[file.Name], copy);
        }

        // Rot: the labels' magic number changes, the length and the time stay.
        string labels = Path.Combine(folder, MnistFiles.TrainLabels.Name);
        byte[] good = File.ReadAllBytes(labels);
        byte[] rotted = (byte[])good.Clone();
        rotted[3] = 0x07;
        InPlaceEdit.Write(labels, rotted);

        using var server = new LoopbackHttpServer();
        HostResult result = TrainWithAMirrorServing(server, good, dir);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"Cached {MnistFiles.TrainLabels.Name} failed to parse and no longer match their SHA-256; fetching them again"));
        Assert.That(File.ReadAllBytes(labels), Is.EqualTo(good), "fetched again");
        Assert.That(File.ReadAllBytes(labels + ".rejected-cache"), Is.EqualTo(rotted), "set aside byte for byte, for inspection");
        Assert.That(server.Requests, Is.EqualTo(1));
    }

    [Test]
    public async Task ACachedFileChangedInPlaceThatStillParsesIsSetAsideInOneLineAndFetchedAgain()
    {
        IReadOnlyDictionary<string, string> real = await RealMnist.EnsureAsync();
        using var dir = new TempDirectory();
        string folder = Path.Combine(dir.Combine("cache"), "mnist");
        Directory.CreateDirectory(folder);
        foreach (DataFile file in MnistFiles.All)
        {
            File.Copy(real[file.Name], Path.Combine(folder, file.Name));
        }

        // Every label moved on by one, length and time kept (as after cp -a of an edited cache): it still parses.
        string labels = Path.Combine(folder, MnistFiles.TrainLabels.Name);
        byte[] good = File.ReadAllBytes(labels);
        byte[] shifted = IdxFiles.ShiftedLabels(good);
        InPlaceEdit.Write(labels, shifted);

        // The stamp versions before 2026-11-27 wrote beside each file (hash, length, time), copied along: it still
        // matches the changed file, and must not stand in for its content.
        foreach (DataFile file in MnistFiles.All)
        {
            var info = new FileInfo(Path.Combine(folder, file.Name));
            File.WriteAllText(Path.Combine(folder, $".{file.Name}.verified"), string.Create(CultureInfo.InvariantCulture, $"{file.Sha256} {info.Length} {info.LastWriteTimeUtc.Ticks}"));
        }

        using var server = new LoopbackHttpServer();
        HostResult result = TrainWithAMirrorServing(server, good, dir);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain(
            $"Cached {MnistFiles.TrainLabels.Name} has SHA-256 {IdxFiles.Sha256(shifted)}, expected {MnistFiles.TrainLabels.Sha256}; moved it aside to {labels}.rejected-cache and fetching again"));
        Assert.That(File.ReadAllBytes(labels), Is.EqualTo(good), "fetched again");
        Assert.That(File.ReadAllBytes(labels + ".rejected-cache"), Is.EqualTo(shifted), "set aside byte for byte, for inspection");
        Assert.That(server.Requests, Is.EqualTo(1));
    }

    // One short training on the cache in DIR/cache, with a local mirror that serves the good label file.
    private static HostResult TrainWithAMirrorServing(LoopbackHttpServer server, byte[] labels, TempDirectory dir)
    {
        server.Serve($"/{MnistFiles.TrainLabels.Name}.gz", IdxFiles.Gzip(labels));
        return HostProcess.Run(
            ["train", $"--Data:CacheDirectory={dir.Combine("cache")}", "--Data:UseNpm=false", $"--Data:Mirrors:0={server.BaseUrl}",
             "--Training:Epochs=1", "--Training:BatchSize=1000", "--Model:LayerSizes=784,10", "--Progress:Enabled=false", "--Checkpoints:Directory="],
            dir.Path,
            TimeSpan.FromSeconds(120));
    }
}
