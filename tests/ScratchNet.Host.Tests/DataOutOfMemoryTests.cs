using System.IO.Compression;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>
/// probe-cnn G2: data that does not fit the memory the process may use was refused with "make the network smaller or lower
/// Training:BatchSize", advice about a network that had no part in it. The files and what they declare are named instead.
/// </summary>
public sealed class DataOutOfMemoryTests
{
    [Test]
    public void DataBeyondTheHeapLimit_IsExit2_NamingTheFiles_NotTheNetwork()
    {
        using var folder = new TempDirectory();
        string data = folder.Combine("big");
        Directory.CreateDirectory(data);

        // 400,000 blank 28 × 28 images (299 MiB unpacked, 300 KiB packed) and their labels, a sound pair, under a 100 MiB heap.
        const int count = 400_000;
        WriteGzip(Path.Combine(data, "train-images-idx3-ubyte.gz"), IdxFiles.BuildHeader(0x08, count, 28, 28), (long)count * 784);
        WriteGzip(Path.Combine(data, "train-labels-idx1-ubyte.gz"), IdxFiles.BuildHeader(0x08, count), count);
        File.WriteAllBytes(Path.Combine(data, "t10k-images-idx3-ubyte"), IdxFiles.Images(10, 28, 28, seed: 1));
        File.WriteAllBytes(Path.Combine(data, "t10k-labels-idx1-ubyte"), IdxFiles.Labels(10, seed: 2));
        var start = HostProcess.StartInfo(["train", "--Data:Dataset=idx", $"--Data:Directory={data}", "--Training:Epochs=1", "--Run:Directory", folder.Combine("runs")], folder.Path);
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x6400000";

        HostResult result = HostProcess.Run(start);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"Ran out of memory loading {Path.Combine(data, "train-images-idx3-ubyte.gz")} and {Path.Combine(data, "train-labels-idx1-ubyte.gz")}, which declare 400000 images of 28 x 28 (299 MiB unpacked)")
            .And.Contain("allow it more memory, or give fewer images")
            .And.Not.Contain("make the network smaller")
            .And.Not.Contain("   at "));
    }

    private static void WriteGzip(string path, byte[] header, long zeros)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(header);
        var block = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= block.Length)
        {
            gzip.Write(block, 0, (int)Math.Min(left, block.Length));
        }
    }
}
