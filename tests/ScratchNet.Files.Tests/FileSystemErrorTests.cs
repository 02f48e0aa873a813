namespace ScratchNet.Files.Tests;

public sealed class FileSystemErrorTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void TheReasonDropsTheTemporaryPathAndTheFinalFullStop() =>
        Assert.That(FileSystemError.Reason(new IOException("No space left on device : '/runs/x/best.ckpt.4133.tmp'")), Is.EqualTo("No space left on device"));

    [Test]
    public void NoPermissionIsSaidWithoutTheTypeOrThePath() =>
        Assert.That(FileSystemError.Reason(new UnauthorizedAccessException("Access to the path '/runs/x/history.csv.4700.tmp' is denied.")), Is.EqualTo("permission denied"));

    [TestCase(typeof(PathTooLongException))]
    public void APathTooLongIsNamedAsSuch(Type type) =>
        Assert.That(FileSystemError.Reason((Exception)Activator.CreateInstance(type)!), Is.EqualTo(FileSystemError.NameTooLong));

    [Test]
    public void AnIoExceptionWithEnametoolongIsAPathTooLong() =>
        Assert.That(FileSystemError.Reason(new IOException("File name too long : '/x'", FileSystemError.NameTooLongErrno)), Does.StartWith("path or file name too long"));

    [Test]
    public void AFailedWriteNamesTheTargetNotItsTemporaryAndDoesNotDoubleThePunctuation()
    {
        string target = _dir.Combine("history.csv");

        // A folder squatting on the temporary's name: the file system refuses to open it for writing.
        Directory.CreateDirectory(AtomicFile.TemporaryPath(target, Environment.ProcessId));
        var error = Assert.Throws<FileWriteException>(() => AtomicFile.WriteAllText(target, "epoch\n"));

        Assert.That(error!.Message, Does.StartWith($"Could not write {target}: ").And.Not.Contain(".tmp").And.Not.Contain(".;").And.Not.Contain("Exception"));
    }

    [Test]
    public void AFileNameBeyondTheFileSystemsLimitIsAPathTooLongWhenWritten()
    {
        var error = Assert.Throws<FileWriteException>(() => AtomicFile.WriteAllText(_dir.Combine(new string('n', 300)), "x"));

        Assert.That(error!.Reason, Is.EqualTo(FileSystemError.NameTooLong));
    }

    // The advice fits the cause: a full disk is not fixed by permissions, nor a refusal by free space.
    [TestCase("No space left on device : '/runs/x/history.csv.12.tmp'", 0, "free space")]
    [TestCase("Disk quota exceeded", 122, "free space")]
    [TestCase("Read-only file system : '/runs/x'", 0, "write to a file system that is not read-only")]
    [TestCase("Input/output error", 5, FileWriteException.FreeSpace)]
    public void TheRemedyFitsTheFailure(string message, int errno, string remedy)
    {
        var error = new IOException(message) { HResult = errno };

        Assert.That(new FileWriteException("/runs/x/history.csv", FileSystemError.Reason(error), error).Remedy, Is.EqualTo(remedy));
    }

    [Test]
    public void APermissionRefusalIsAdvisedToFixThePermissions() =>
        Assert.That(FileSystemError.Remedy(new UnauthorizedAccessException("Access to the path is denied.")), Is.EqualTo("fix the folder's permissions"));
}
