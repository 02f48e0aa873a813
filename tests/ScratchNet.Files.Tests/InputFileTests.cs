
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

    // predict m.snm '~/x.png': the quoted ~ reached the program as it is, and "does not exist" said nothing of why.
    [TestCase("~/nosuch-x.png", " (a ~ is the home folder only where the shell expands it, outside quotes: write ~/nosuch-x.png without quotes, or \"$HOME/nosuch-x.png\" in double quotes)")]
    [TestCase("~nosuchuser/x.png", " (a ~ is the home folder only where the shell expands it, outside quotes: write ~nosuchuser/x.png without quotes)")]
    [TestCase("a~/x.png", "")]
    public void AMissingNameStartingWithATilde_SaysTheShellExpandsItOnlyUnquoted(string name, string hint)
    {
        var e = Assert.Throws<InputFileException>(() => InputFile.Check(name, 10, "the image file"));

        Assert.That(e!.Message, Is.EqualTo($"The image file {Path.GetFullPath(name)} does not exist{hint}"));
    }

    [Test]
    public void ANameThatIsNotValidUtf8_IsSaidToBeSo_NotToBeMissing()
    {
        // What .NET hands over for a file named with a Latin-1 byte (0xFF), which ls shows and .NET cannot open.
        string path = _dir.Combine("bad\uFFFDname.png");

        var e = Assert.Throws<InputFileException>(() => InputFile.ReadAllBytes(path, 1 << 20, "the image file"));

        Assert.That(e!.Message, Does.Contain("its name is not valid UTF-8").And.Contain("rename it").And.Not.Contain("does not exist"));
    }

    [Test]
    public void AnEmptyName_IsRefusedAsOne_NotAsTheWorkingFolder()
    {
        var e = Assert.Throws<InputFileException>(() => InputFile.ReadAllBytes(string.Empty, 1 << 20, "the image file"));

        Assert.That(e!.Message, Is.EqualTo("The image file name is empty: an empty argument names no file (was a variable meant to hold the name unset?)"));
    }

    [Test]
    public void ABlankName_IsReadWhenAFileHasIt_AndOtherwiseSaidToBeBlank()
    {
        string blank = _dir.Combine("  ");
        File.WriteAllBytes(blank, [7]);
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = _dir.Path;
            Assert.That(InputFile.ReadAllBytes("  ", 10, "the image file"), Is.EqualTo(new byte[] { 7 }));
            var e = Assert.Throws<InputFileException>(() => InputFile.Check("   ", 10, "the image file"));
            Assert.That(e!.Message, Is.EqualTo("The image file name \"   \" is only blanks, and no file is called that"));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Test]
    public void ALinkToNothing_OrALoopOfLinks_IsSaidToBeOne_NotToBeMissing()
    {
        string dangling = _dir.Combine("dangling.png"), loop = _dir.Combine("loop.png");
        File.CreateSymbolicLink(dangling, _dir.Combine("gone/x.png"));
        File.CreateSymbolicLink(loop, loop);

        var toNothing = Assert.Throws<InputFileException>(() => InputFile.Check(dangling, 10, "the image file"));
        var round = Assert.Throws<InputFileException>(() => InputFile.Check(loop, 10, "the image file"));

        Assert.That(toNothing!.Message, Is.EqualTo($"The image file {dangling} {FileKinds.LinkToNothing}"));
        Assert.That(round!.Message, Is.EqualTo($"The image file {loop} {FileKinds.LinkLoop}"));
    }
}
