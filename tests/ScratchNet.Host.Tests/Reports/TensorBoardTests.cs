using System.Buffers.Binary;
using System.Text;
using ScratchNet.Host.Reports;
using ScratchNet.Host.Reports.TensorBoard;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests.Reports;

public class TensorBoardTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("scratchnet-tensorboard-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    // RFC 3720 (iSCSI) appendix B.4, and the usual check value of "123456789".
    private static IEnumerable<TestCaseData> Crc32CVectors()
    {
        yield return new TestCaseData(new byte[32], 0x8A9136AAu).SetName("Crc32C_32ZeroBytes");
        yield return new TestCaseData(Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43u).SetName("Crc32C_32OnesBytes");
        yield return new TestCaseData(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794Eu).SetName("Crc32C_Ascending");
        yield return new TestCaseData(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5Cu).SetName("Crc32C_Descending");
        byte[] iscsiRead =
        [
            0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        yield return new TestCaseData(iscsiRead, 0xD9963A56u).SetName("Crc32C_IscsiReadCommand");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("123456789"), 0xE3069283u).SetName("Crc32C_CheckValue");
    }

    [TestCaseSource(nameof(Crc32CVectors))]
    public void Crc32C_MatchesThePublishedVectors_InTheWriterAndTheTestsReader(byte[] data, uint expected)
    {
        Assert.That(TfRecord.Crc32C(data), Is.EqualTo(expected), $"writer: {TfRecord.Crc32C(data):X8}");
        Assert.That(EventFileReader.Crc32C(data), Is.EqualTo(expected), $"reader: {EventFileReader.Crc32C(data):X8}");
    }

    [Test]
    public void Mask_ChangesTheCrc_AndUnmaskUndoesIt()
    {
        uint crc = TfRecord.Crc32C("foo"u8);
        Assert.That(TfRecord.Mask(crc), Is.Not.EqualTo(crc));
        Assert.That(TfRecord.Mask(TfRecord.Mask(crc)), Is.Not.EqualTo(crc));
        Assert.That(EventFileReader.Unmask(TfRecord.Mask(crc)), Is.EqualTo(crc));

        // The CRC of no bytes is 0, so an empty record ends in the mask's delta alone.
        Assert.That(TfRecord.MaskedCrc32C([]), Is.EqualTo(0xA282EAD8u));
    }

    [Test]
    public void Write_FramesARecord_AsLengthCrcDataCrc()
    {
        using var stream = new MemoryStream();
        TfRecord.Write(stream, "hello"u8);
        byte[] bytes = stream.ToArray();
        Assert.That(bytes, Has.Length.EqualTo(8 + 4 + 5 + 4));
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(bytes), Is.EqualTo(5UL));
        Assert.That(EventFileReader.Unmask(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8))), Is.EqualTo(EventFileReader.Crc32C(bytes.AsSpan(0, 8))));
        Assert.That(bytes.AsSpan(12, 5).ToArray(), Is.EqualTo("hello"u8.ToArray()));
        Assert.That(EventFileReader.Unmask(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(17))), Is.EqualTo(EventFileReader.Crc32C("hello"u8)));
    }

    [Test]
    public void Reader_RejectsAFlippedByte()
    {
        string path;
        using (var file = new EventFile(_folder))
        {
            file.AddScalar("epoch_loss", 1, 0.5);
            path = file.Path;
        }

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        Assert.That(() => EventFileReader.Read(path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("CRC"));
    }

    [Test]
    public void EventFile_StartsWithTheFileVersion_ThenHoldsScalarsAndImagesByStep()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        byte[] png = FirstLayerWeights.Draw([1, -1, 1, -1, 1, -1, 1, -1], inputs: 4, units: 2);
        string path;
        using (var file = new EventFile(Path.Combine(_folder, "train"), clock))
        {
            file.AddScalar("epoch_loss", 1, 0.25);
            file.AddScalar("epoch_loss", 2, 0.125);
            file.AddImage("first_layer_weights", 2, png);
            path = file.Path;
        }

        Assert.That(Path.GetFileName(path), Is.EqualTo($"events.out.tfevents.{clock.GetUtcNow().ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}"));
        List<Event> events = EventFileReader.Read(path);
        Assert.That(events, Has.Count.EqualTo(4));
        Assert.That(events[0].FileVersion, Is.EqualTo("brain.Event:2"));
        Assert.That(events[0].WallTime, Is.EqualTo(clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0));
        Assert.That(events.Skip(1).Select(e => (e.Step, e.Summary.Value.Single().Tag)), Is.EqualTo(new[] { (1L, "epoch_loss"), (2L, "epoch_loss"), (2L, "first_layer_weights") }));
        Assert.That(events[2].Summary.Value[0].SimpleValue, Is.EqualTo(0.125f));
        Summary.Types.Image image = events[3].Summary.Value[0].Image;
        using var decoded = SkiaSharp.SKBitmap.Decode(image.EncodedImageString.ToByteArray());
        Assert.That((image.Width, image.Height), Is.EqualTo((decoded.Width, decoded.Height)));
        Assert.That(image.Colorspace, Is.AnyOf(3, 4), "RGB or RGBA");
        Assert.That(image.EncodedImageString.ToByteArray(), Is.EqualTo(png));
    }

    [Test]
    public void AddImage_RefusesBytesThatAreNotAPng()
    {
        using var file = new EventFile(_folder);
        Assert.That(() => file.AddImage("x", 1, [1, 2, 3]), Throws.ArgumentException.With.Message.Contains("not a PNG"));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
