using Microsoft.Extensions.Logging.Abstractions;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;
using ScratchNet.Data.Tests.Idx;

namespace ScratchNet.Data.Tests;

/// <summary>
/// probe-cnn G2: the two headers of an images/labels pair are read and checked against each other before either file's
/// data: a 64 KiB .gz that declares two billion labels beside 20 images used to be inflated in full (4 GiB, 12 s) before
/// the pair was refused, and under a memory limit the refusal blamed the network.
/// </summary>
public sealed class IdxPairTests
{
    // 64 MiB of zeros, a few hundred KiB compressed: what the bomb delivers before it ends.
    private const int Zeros = 64 << 20;

    [Test]
    public async Task ALabelBombBesideFewImages_IsRefusedFromTheHeaders_BeforeAnyIsInflated()
    {
        using var folder = new TempDirectory();
        await WriteSound(folder);
        await File.WriteAllBytesAsync(folder.Combine("train-labels-idx1-ubyte.gz"), IdxReaderTests.GzipOf(IdxFiles.BuildHeader(0x08, 2_000_000_000), Zeros));
        File.Delete(folder.Combine("train-labels-idx1-ubyte"));

        (InvalidDataFormatException error, long allocated) = await Refused(folder);

        Assert.That(error.Message, Is.EqualTo(
            $"{folder.Combine("train-images-idx3-ubyte")} holds 20 images but {folder.Combine("train-labels-idx1-ubyte.gz")} holds 2000000000 labels; they must pair one to one. Replace them with a matching pair."));
        Assert.That(allocated, Is.LessThan(16L << 20), "bytes allocated");
    }

    [Test]
    public async Task AnImageBombBesideFewLabels_IsRefusedFromTheHeaders_BeforeAnyIsInflated()
    {
        using var folder = new TempDirectory();
        await WriteSound(folder);
        await File.WriteAllBytesAsync(folder.Combine("t10k-images-idx3-ubyte.gz"), IdxReaderTests.GzipOf(IdxFiles.BuildHeader(0x08, 1_000_000, 28, 28), Zeros));
        File.Delete(folder.Combine("t10k-images-idx3-ubyte"));

        (InvalidDataFormatException error, long allocated) = await Refused(folder);

        Assert.That(error.Message, Does.StartWith($"{folder.Combine("t10k-images-idx3-ubyte.gz")} holds 1000000 images but {folder.Combine("t10k-labels-idx1-ubyte")} holds 10 labels"));
        Assert.That(allocated, Is.LessThan(16L << 20), "bytes allocated");
    }

    [Test]
    public async Task ALabelFileOfTwoDimensions_IsRefusedFromItsHeader()
    {
        using var folder = new TempDirectory();
        await WriteSound(folder);
        await File.WriteAllBytesAsync(folder.Combine("train-labels-idx1-ubyte"), IdxFiles.Build([20, 2], new byte[40]));

        (InvalidDataFormatException error, _) = await Refused(folder);

        Assert.That(error.Message, Is.EqualTo($"{folder.Combine("train-labels-idx1-ubyte")} has shape (20 x 2); a label file has one dimension."));
    }

    private static async Task<(InvalidDataFormatException Error, long Allocated)> Refused(TempDirectory folder)
    {
        var provider = new IdxDatasetProvider(
            Microsoft.Extensions.Options.Options.Create(new DataOptions { Dataset = "idx", Directory = folder.Path }),
            new DatasetCache("/nonexistent/scratchnet-cache", [], NullLogger<DatasetCache>.Instance), NullLogger<IdxDatasetProvider>.Instance);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        InvalidDataFormatException? error = null;
        try
        {
            await provider.LoadAsync();
        }
        catch (InvalidDataFormatException e)
        {
            error = e;
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.That(error, Is.Not.Null, "the pair is refused");
        return (error!, allocated);
    }

    private static async Task WriteSound(TempDirectory folder)
    {
        await File.WriteAllBytesAsync(folder.Combine("train-images-idx3-ubyte"), IdxFiles.Images(20, 2, 2, seed: 1));
        await File.WriteAllBytesAsync(folder.Combine("train-labels-idx1-ubyte"), IdxFiles.Labels(20, seed: 2));
        await File.WriteAllBytesAsync(folder.Combine("t10k-images-idx3-ubyte"), IdxFiles.Images(10, 2, 2, seed: 3));
        await File.WriteAllBytesAsync(folder.Combine("t10k-labels-idx1-ubyte"), IdxFiles.Labels(10, seed: 4));
    }
}
