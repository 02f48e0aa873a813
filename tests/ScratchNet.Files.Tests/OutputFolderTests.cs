
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

    // /proc/self exists, but creating a file there fails with "no such file": the folder was said not to exist.
    [Test]
    public void AFolderThatExistsButTakesNoFiles_IsNotSaidToBeMissing() =>
        Assert.That(OutputFolder.Probe("/proc/self"), Is.EqualTo("/proc/self cannot be written: it takes no new files (its file system does not let one be made there)"));

    [Test]
    public void ALinkToAFolderThatDoesNotExistSaysSo()
    {
        string runs = _dir.Combine("runs");
        string target = _dir.Combine(Path.Combine("unmounted", "deeper"));
        File.CreateSymbolicLink(runs, target);

        Assert.That(OutputFolder.Probe(runs), Is.EqualTo($"{runs} is a link to {target}, which does not exist"));
        Assert.That(OutputFolder.Probe(Path.Combine(runs, "sub")), Is.EqualTo($"{runs} is a link to {target}, which does not exist"), "a link further up the path");
        Assert.That(Directory.Exists(_dir.Combine("unmounted")), Is.False, "nothing is created behind the link");
    }

    [Test]
    public void ALoopOfLinksSaysSo()
    {
        string runs = _dir.Combine("runs");
        File.CreateSymbolicLink(runs, _dir.Combine("other"));
        File.CreateSymbolicLink(_dir.Combine("other"), runs);

        Assert.That(OutputFolder.Probe(runs), Does.StartWith($"{runs} is a link that leads back to itself (a loop of symbolic links"));
    }

    [Test]
    public void AFolderNameBeyondTheFileSystemsLimitIsAPathTooLong() =>
        Assert.That(OutputFolder.Probe(_dir.Combine(new string('b', 300))), Is.EqualTo($"{_dir.Combine(new string('b', 300))} cannot be used: {FileSystemError.NameTooLong}"));

    [Test]
    public void TheProbesNameIsAsLongAsTheLongestNameToBeWritten()
    {
        // A folder whose path leaves room for the short probe name but not for a 70-character one.
        string folder = _dir.Path;
        while (folder.Length + 201 < 4096 - 60)
        {
            folder = Path.Combine(folder, new string('a', 200));
        }

        folder = Path.Combine(folder, new string('c', 4096 - 60 - folder.Length));
        Directory.CreateDirectory(folder);

        Assert.That(OutputFolder.Probe(folder), Is.Null, "the probe's own name fits");
        Assert.That(OutputFolder.Probe(folder, longestName: 70), Is.EqualTo($"{folder} cannot be written: {FileSystemError.NameTooLong}"));
        Assert.That(Directory.GetFileSystemEntries(folder), Is.Empty);
    }
}
