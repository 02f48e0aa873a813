namespace ScratchNet.Files.Tests;

public sealed class RunLockTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void ALockHeldByAnotherOpenerIsHeld_AFreeOneIsNot()
    {
        string lockFile = _dir.Combine(RunLock.FileName);
        File.WriteAllText(lockFile, string.Empty);
        Assert.That(RunLock.IsHeld(_dir.Path), Is.False);

        using var training = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Assert.That(RunLock.IsHeld(_dir.Path), Is.True);
    }

    // No process can hold a folder or a pipe as its lock. Asking opened a pipe for reading, which waits for a writer
    // forever: the dashboard's runs list and train --resume alone hung on such a run.
    [Test]
    public void ALockThatIsAFolderOrAPipeIsNotHeld_AndAskingDoesNotWait()
    {
        string folderLock = Path.Combine(_dir.Combine("folder"), RunLock.FileName);
        Directory.CreateDirectory(folderLock);
        string pipeFolder = _dir.Combine("pipe");
        Directory.CreateDirectory(pipeFolder);
        Fifo.Make(Path.Combine(pipeFolder, RunLock.FileName));

        Assert.That(RunLock.IsHeld(Path.GetDirectoryName(folderLock)!), Is.False);
        Task<bool> asked = Task.Run(() => RunLock.IsHeld(pipeFolder));
        Assert.That(asked.Wait(TimeSpan.FromSeconds(20)), Is.True, "IsHeld waited on the pipe for a writer");
        Assert.That(asked.Result, Is.False);
    }
}
