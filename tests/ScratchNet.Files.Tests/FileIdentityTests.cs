namespace ScratchNet.Files.Tests;

public sealed class FileIdentityTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void AnOpenFileIsTheFileItsPathNames()
    {
        string path = _dir.Combine(".lock");
        using var held = new FileStream(path, FileMode.CreateNew);

        Assert.That(FileIdentity.Same(held.SafeFileHandle, path), Is.True);
    }

    [Test]
    public void AFileRemovedWhileOpenIsNotThere()
    {
        string path = _dir.Combine(".lock");
        using var held = new FileStream(path, FileMode.CreateNew);
        File.Delete(path);

        Assert.That(FileIdentity.Same(held.SafeFileHandle, path), Is.False);
    }

    [Test]
    public void AFileReplacedByAnotherOfTheSameNameIsNotTheSame()
    {
        string path = _dir.Combine(".lock");
        using var held = new FileStream(path, FileMode.CreateNew);
        File.Move(path, _dir.Combine("moved"));
        File.WriteAllText(path, string.Empty);

        Assert.That(FileIdentity.Same(held.SafeFileHandle, path), Is.False);
    }

    [Test]
    public void AnOpenFileMovedWithItsFolderIsFoundInItsNewPlace()
    {
        Directory.CreateDirectory(_dir.Combine("run"));
        using var held = new FileStream(_dir.Combine(Path.Combine("run", ".lock")), FileMode.CreateNew);
        Directory.Move(_dir.Combine("run"), _dir.Combine("kept"));

        Assert.That(FileIdentity.CurrentPath(held.SafeFileHandle), Is.EqualTo(_dir.Combine(Path.Combine("kept", ".lock"))));
    }

    [Test]
    public void AnOpenFileRemovedHasNoPlace()
    {
        string path = _dir.Combine(".lock");
        using var held = new FileStream(path, FileMode.CreateNew);
        File.Delete(path);

        Assert.That(FileIdentity.CurrentPath(held.SafeFileHandle), Is.Null);
    }

    [Test]
    public void AFolderKeepsItsIdentityWhenRenamed_ACopyOfItHasAnother()
    {
        Directory.CreateDirectory(_dir.Combine("run"));
        string? before = FileIdentity.Of(_dir.Combine("run"));
        Directory.Move(_dir.Combine("run"), _dir.Combine("renamed"));
        Directory.CreateDirectory(_dir.Combine("copy"));

        Assert.That(before, Is.Not.Null.And.Match(@"^\d+:\d+:\d+$"), "Linux says");
        Assert.That(FileIdentity.Of(_dir.Combine("renamed")), Is.EqualTo(before));
        Assert.That(FileIdentity.Of(_dir.Combine("copy")), Is.Not.EqualTo(before));
        Assert.That(FileIdentity.Of(_dir.Combine("run")), Is.Null, "nothing is there now");
    }
}
