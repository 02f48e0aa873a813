
namespace ScratchNet.Files.Tests;

public sealed class InputFileTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void ARegularFileWithinTheBoundIsReadWhole()
    {
        string path = _dir.Combine("a.bin");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.That(InputFile.ReadAllBytes(path, 3, "the model file"), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void AFileOverTheBoundIsRefusedBeforeItIsRead()
    {
        string path = _dir.Combine("a.bin");
        File.WriteAllBytes(path, new byte[11]);

        var e = Assert.Throws<InputFileException>(() => InputFile.ReadAllBytes(path, 10, "the model file"));

        Assert.That(e!.Message, Is.EqualTo($"The model file {path} is 11 bytes; at most 10 are read from such a file"));
    }

    [TestCase("/dev/zero", "a character device")]
    [TestCase("/dev/urandom", "a character device")]
    [TestCase("/", "a directory")]
    public void DevicesAndDirectoriesAreRefusedWithoutReading(string path, string kind)
    {
        var e = Assert.Throws<InputFileException>(() => InputFile.ReadAllBytes(path, 1 << 20, "the configuration file"));

        Assert.That(e!.Message, Is.EqualTo($"The configuration file {path} is {kind}, not a regular file"));
    }

    [Test]
    [CancelAfter(10_000)]
    public void ANamedPipeIsRefusedWithoutWaitingForAWriter()
    {
        string fifo = Fifo.Make(_dir.Combine("model.snm"));

        var e = Assert.Throws<InputFileException>(() => InputFile.ReadAllBytes(fifo, 1 << 20, "the model file"));

        Assert.That(e!.Kind, Is.EqualTo(FileKind.Pipe));
    }

    [Test]
    public void AMissingFileIsNamedInFull()
    {
        var e = Assert.Throws<InputFileException>(() => InputFile.Check("nope.json", 10, "the configuration file"));

        Assert.That(e!.Message, Is.EqualTo($"The configuration file {Path.GetFullPath("nope.json")} does not exist"));
    }
}
