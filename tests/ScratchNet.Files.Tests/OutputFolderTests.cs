
namespace ScratchNet.Files.Tests;

public sealed class OutputFolderTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void AWritableFolderIsCreatedAndLeftEmpty()
    {
        string folder = _dir.Combine(Path.Combine("runs", "x"));

        Assert.That(OutputFolder.Probe(folder), Is.Null);
        Assert.That(Directory.GetFileSystemEntries(folder), Is.Empty, "the probe file is gone");
    }

    [Test]
    public void AFileWhereTheFolderShouldBeIsNamed()
    {
        string folder = _dir.Combine("runs");
        File.WriteAllText(folder, "not a folder");

        Assert.That(OutputFolder.Probe(folder), Is.EqualTo($"{folder} is a regular file, not a folder"));
        Assert.That(OutputFolder.Probe(Path.Combine(folder, "sub")), Does.Contain("cannot be written"));
    }

    [Test]
    public void ADeviceIsNotAFolder() =>
        Assert.That(OutputFolder.Probe("/dev/null"), Is.EqualTo("/dev/null is a character device, not a folder"));

    [Test]
    public void AReadOnlyFileSystemFailsTheProbe()
    {
        // /proc is read-only for everyone, root included.
        Assert.That(OutputFolder.Probe("/proc/scratchnet-probe"), Does.Contain("cannot be written"));
    }
}
