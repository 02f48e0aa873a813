using System.Diagnostics;
using ScratchNet.Data.Idx;

namespace ScratchNet.Data.Tests.Idx;

public sealed class IdxReaderTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [TestCase(false)]
    [TestCase(true)]
    public void AValidFileRoundTripsWhetherRawOrGzip(bool gzip)
    {
        byte[] raw = IdxFiles.Images(count: 5, rows: 3, cols: 4, seed: 7);
        string path = Write("images", gzip ? IdxFiles.Gzip(raw) : raw);

        IdxArray array = IdxReader.Read(path);

        Assert.That(array.Dimensions, Is.EqualTo(new[] { 5, 3, 4 }));
        Assert.That(array.Data, Is.EqualTo(raw[16..]));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AHashGivenToTheReadReceivesEveryByteOfTheFileAsStored(bool gzip)
    {
        byte[] raw = IdxFiles.Images(count: 5, rows: 3, cols: 4, seed: 7);
        byte[] stored = gzip ? IdxFiles.Gzip(raw) : raw;
        string path = Write("images", stored);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

        IdxArray array = IdxReader.Read(path, hash);

        Assert.That(array.Data, Is.EqualTo(raw[16..]));
        Assert.That(Convert.ToHexStringLower(hash.GetHashAndReset()), Is.EqualTo(IdxFiles.Sha256(stored)));
    }

    [Test]
    public void GzipIsRecognisedByItsMagicNotByTheFileName()
    {
        byte[] raw = IdxFiles.Labels(count: 9, seed: 1);
        string path = Write("labels-without-gz-suffix", IdxFiles.Gzip(raw));

        Assert.That(IdxReader.Read(path).Data, Is.EqualTo(raw[8..]));
    }

    [Test]
    public void AForwardOnlyGzipStreamIsReadToo()
    {
        byte[] raw = IdxFiles.Labels(count: 9, seed: 1);
        using var stream = new ForwardOnlyStream(IdxFiles.Gzip(raw));

        Assert.That(IdxReader.Read(stream, "net").Dimensions, Is.EqualTo(new[] { 9 }));
    }

    [Test]
    public void AFileNotStartingWithTwoZeroBytesIsRejected()
    {
        byte[] bytes = IdxFiles.Labels(count: 4, seed: 1);
        bytes[0] = 0x50;
        string path = Write("bad-magic", bytes);

        var ex = Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));
        Assert.That(ex!.Message, Does.Contain(path).And.Contain("0x50"));
    }

    [Test]
    public void AnotherElementTypeIsRejectedNamingTheType()
    {
        string path = Write("floats", IdxFiles.Build([2], new byte[8], type: 0x0D));

        var ex = Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));
        Assert.That(ex!.Message, Does.Contain("0x0D").And.Contain("float32").And.Contain("unsigned byte"));
    }

    [TestCase(0)]
    [TestCase(5)]
    public void ADimensionCountOutsideOneToFourIsRejected(int rank)
    {
        byte[] header = IdxFiles.BuildHeader(0x08, Enumerable.Repeat(1, rank).ToArray());
        string path = Write("rank", [.. header, 0]);

        var ex = Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));
        Assert.That(ex!.Message, Does.Contain($"{rank} dimensions"));
    }

    [Test]
    public void AZeroDimensionIsRejected()
    {
        string path = Write("zero", IdxFiles.BuildHeader(0x08, 3, 0));

        Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ATruncatedFileNamesTheFileAndBothByteCounts(bool gzip)
    {
        byte[] raw = IdxFiles.Images(count: 10, rows: 2, cols: 2, seed: 3);
        string path = Write("truncated", gzip ? IdxFiles.Gzip(raw[..^15]) : raw[..^15]);

        var ex = Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));
        Assert.That(ex!.Message, Does.Contain(path).And.Contain("truncated").And.Contain("40").And.Contain("25"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void DataBeyondWhatTheDimensionsDeclareIsRejected(bool gzip)
    {
        byte[] raw = [.. IdxFiles.Labels(count: 6, seed: 3), 1, 2, 3];
        string path = Write("long", gzip ? IdxFiles.Gzip(raw) : raw);

        var ex = Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));
        Assert.That(ex!.Message, Does.Contain("6"));
    }

    [TestCase(false, 65535, 65535, 65535, 65535)]
    [TestCase(true, 65535, 65535, 65535, 65535)]
    [TestCase(false, 60000, 28, 28)]
    [TestCase(true, 2000000000)]
    [TestCase(true, 60000, 28, 28)]
    public void ForgedHugeDimensionsFailFastWithoutAHugeAllocation(bool gzip, params int[] dimensions)
    {
        byte[] raw = [.. IdxFiles.BuildHeader(0x08, dimensions), .. new byte[100]];
        string path = Write("forged", gzip ? IdxFiles.Gzip(raw) : raw);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(8L << 20), "bytes allocated");
    }

    [Test]
    public void DamagedGzipIsReportedAsInvalidData()
    {
        byte[] gz = IdxFiles.Gzip(IdxFiles.Labels(count: 50, seed: 3));
        for (int i = 10; i < gz.Length - 8; i++)
        {
            gz[i] ^= 0xA5;
        }

        string path = Write("damaged.gz", gz);

        Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));
    }

    // probe-cnn G6: .NET says "unsupported compression method" for every kind of gzip damage, which sent a user looking
    // for another compressor. The file is damaged, and the line says how.
    [Test]
    public void AGzipWhoseChecksumDoesNotMatch_IsCalledDamaged_SayingSo()
    {
        byte[] gz = IdxFiles.Gzip(IdxFiles.Labels(count: 500, seed: 3));
        gz[^8] ^= 0x01;
        string path = Write("crc.gz", gz);

        var ex = Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path} is damaged: its gzip checksum does not match the data it holds. Replace it with an intact copy."));
    }

    [Test]
    public void AGzipWhoseCompressedDataIsCorrupt_IsCalledDamaged_SayingSo()
    {
        byte[] gz = IdxFiles.Gzip(IdxFiles.Labels(count: 500, seed: 3));

        // The first deflate block's header, right after gzip's 10-byte header: block type 3 does not exist.
        gz[10] |= 0x06;
        string path = Write("corrupt.gz", gz);

        var ex = Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path} is damaged: its compressed data is corrupt, so it cannot be unpacked. Replace it with an intact copy."));
        ex = Assert.Throws<InvalidDataFormatException>(() => IdxReader.ReadHeader(path));
        Assert.That(ex!.Message, Does.Contain("is damaged: its compressed data is corrupt"));
    }

    // probe-cnn G2: a header of 6 labels followed by 256 MiB of zeros (256 KiB compressed) stops after the declared data and
    // one byte more, as an image file's does: the rest is never inflated.
    [Test]
    public void ALabelFileHoldingFarMoreThanItsHeaderDeclares_IsRefusedWithoutInflatingTheRest()
    {
        byte[] gz = GzipOf(IdxFiles.BuildHeader(0x08, 6), 6 + (256 << 20));
        using var stream = new CountingStream(gz);

        var ex = Assert.Throws<InvalidDataFormatException>(() => IdxReader.Read(stream, "bomb.gz"));

        Assert.That(ex!.Message, Does.Contain("holds more data than its header declares"));
        Assert.That(stream.Delivered, Is.LessThan(gz.Length / 4), $"compressed bytes read of {gz.Length}");
    }

    [Test]
    public void ReadHeader_ReadsOnlyTheHeader_OfAGzipThatInflatesToGigabytes()
    {
        byte[] gz = GzipOf(IdxFiles.BuildHeader(0x08, 2_000_000_000), 256 << 20);
        using var stream = new CountingStream(gz);

        IdxHeader header = IdxReader.ReadHeader(stream, "bomb.gz");

        Assert.That(header.Dimensions, Is.EqualTo(new[] { 2_000_000_000 }));
        Assert.That(stream.Delivered, Is.LessThan(gz.Length / 4), $"compressed bytes read of {gz.Length}");
    }

    /// <summary>A gzip stream of <paramref name="header"/> and then <paramref name="zeros"/> zero bytes, made in memory.</summary>
    internal static byte[] GzipOf(byte[] header, int zeros)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(header);
            var block = new byte[1 << 20];
            for (int left = zeros; left > 0; left -= block.Length)
            {
                gzip.Write(block, 0, Math.Min(left, block.Length));
            }
        }

        return output.ToArray();
    }

    private sealed class CountingStream(byte[] content) : MemoryStream(content)
    {
        public long Delivered { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = base.Read(buffer, offset, count);
            Delivered += read;
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            int read = base.Read(buffer);
            Delivered += read;
            return read;
        }
    }

    private string Write(string name, byte[] content)
    {
        string path = _dir.Combine(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private sealed class ForwardOnlyStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
