
namespace ScratchNet.Files.Tests;

public sealed class AtomicFileTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void WriteReplacesTheContentCreatesTheFolderAndLeavesNoTemporary()
    {
        string path = _dir.Combine(Path.Combine("sub", "x.csv"));
        AtomicFile.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new");

        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void AFileThatFillsTheDiskLeavesTheOldFileAndNoTemporaryAndSaysWhichFile()
    {
        // The temporary is a link to /dev/full, so the file system itself fails the write (ENOSPC).
        string path = _dir.Combine("best.ckpt");
        AtomicFile.WriteAllText(path, "old");
        File.CreateSymbolicLink(AtomicFile.TemporaryPath(path, Environment.ProcessId), "/dev/full");

        var e = Assert.Throws<FileWriteException>(() => AtomicFile.Write(path, s => s.Write(new byte[100_000])));

        Assert.That(e!.Message, Does.StartWith($"Could not write {path}: No space left on device"));
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(_dir.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void AWriterThatFailsOnItsOwnLeavesTheOldFileAndNoTemporaryAndIsNotCalledAFileSystemFailure()
    {
        // "Stream was too long." is what a payload outgrowing a MemoryStream throws: a limit of the writer, which
        // reported as "could not write" sent users to free disk space.
        string path = _dir.Combine("best.ckpt");
        AtomicFile.WriteAllText(path, "old");
        var thrown = new IOException("Stream was too long.");

        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100]);
            throw thrown;
        }));

        Assert.That(e, Is.SameAs(thrown));
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(_dir.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void AFolderSquattingOnTheTemporaryNameFailsTheWriteAndIsLeftAlone()
    {
        string path = _dir.Combine("x.csv");
        AtomicFile.WriteAllText(path, "old");
        string squatter = AtomicFile.TemporaryPath(path, Environment.ProcessId);
        Directory.CreateDirectory(squatter);

        Assert.Throws<FileWriteException>(() => AtomicFile.WriteAllText(path, "new"));
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.Exists(squatter), Is.True);
    }

    [Test]
    public void ADirectoryByTheNameIsRefusedAndKept()
    {
        string path = _dir.Combine("model.onnx");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside.txt"), "keep");

        var e = Assert.Throws<FileWriteException>(() => AtomicFile.WriteAllText(path, "new"));

        Assert.That(e!.Message, Does.Contain("is a directory, not a regular file"));
        Assert.That(File.ReadAllText(Path.Combine(path, "inside.txt")), Is.EqualTo("keep"));
    }

    [Test]
    public void ADeviceByTheNameIsRefusedAndNeverReplaced()
    {
        var e = Assert.Throws<FileWriteException>(() => AtomicFile.WriteAllText("/dev/null", "new"));

        Assert.That(e!.Message, Does.Contain("is a character device"));
        Assert.That(FileKinds.Of("/dev/null"), Is.EqualTo(FileKind.CharacterDevice));
    }

    [Test]
    public void ANamedPipeByTheNameIsRefusedWithoutBlocking()
    {
        string fifo = Fifo.Make(_dir.Combine("out.fifo"));

        var e = Assert.Throws<FileWriteException>(() => AtomicFile.WriteAllText(fifo, "new"));

        Assert.That(e!.Message, Does.Contain("named pipe"));
        Assert.That(FileKinds.Of(fifo), Is.EqualTo(FileKind.Pipe));
    }

    [Test]
    public void ASymbolicLinkIsFollowedSoTheLinkStaysAndItsTargetGetsTheContent()
    {
        string target = _dir.Combine("real.snm");
        string link = _dir.Combine("link.snm");
        File.WriteAllText(target, "old");
        File.CreateSymbolicLink(link, target);

        AtomicFile.WriteAllText(link, "new");

        Assert.That(File.ReadAllText(target), Is.EqualTo("new"));
        Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo(target));
    }

    [Test]
    public void AFileWhereTheFolderShouldBeIsOneErrorNamingTheFolder()
    {
        File.WriteAllText(_dir.Combine("runs"), "a file");

        var e = Assert.Throws<FileWriteException>(() => AtomicFile.WriteAllText(_dir.Combine(Path.Combine("runs", "a.json")), "{}"));

        Assert.That(e!.Message, Does.Contain($"its folder {_dir.Combine("runs")} cannot be created"));
    }

    [Test]
    public void APendingFileBecomesTheFileOnCommitAndVanishesWithoutOne()
    {
        string path = _dir.Combine("images");
        using (PendingFile pending = AtomicFile.Begin(path))
        {
            File.WriteAllText(pending.TemporaryPath, "abandoned");
        }

        Assert.That(Directory.GetFiles(_dir.Path), Is.Empty);
        using (PendingFile pending = AtomicFile.Begin(path))
        {
            Assert.That(pending.TemporaryPath, Is.EqualTo($"{path}.{Environment.ProcessId}.tmp"));
            File.WriteAllText(pending.TemporaryPath, "kept");
            pending.Commit();
        }

        Assert.That(File.ReadAllText(path), Is.EqualTo("kept"));
        Assert.That(Directory.GetFiles(_dir.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void ADirectoryThatTakesTheNameWhileTheFileIsWrittenIsNamedAsSuchWithAdviceThatFits()
    {
        // After the check at Begin, before the rename: the race a directory squatting on history.csv can win.
        string path = _dir.Combine("history.csv");
        using PendingFile pending = AtomicFile.Begin(path);
        File.WriteAllText(pending.TemporaryPath, "epoch");
        Directory.CreateDirectory(path);

        var e = Assert.Throws<FileWriteException>(pending.Commit);

        Assert.That((e!.Message, e.Remedy), Is.EqualTo(($"Could not write {path}: it is a directory, not a regular file, and is left as it is", "move it out of the way")));
        Assert.That(Directory.Exists(path), Is.True);
    }

    [Test]
    public void TemporariesOfDeadWritersAreDeletedAndThoseOfLiveOnesKept()
    {
        // A PID that has just exited: what a writer killed mid-save leaves behind.
        using var finished = System.Diagnostics.Process.Start("true")!;
        finished.WaitForExit();
        string dead = AtomicFile.TemporaryPath(_dir.Combine("ckpt-e0002-b000000.ckpt"), finished.Id);
        string deadOther = AtomicFile.TemporaryPath(_dir.Combine("history.json"), finished.Id);
        string live = AtomicFile.TemporaryPath(_dir.Combine("best.ckpt"), Environment.ProcessId);
        string unrelated = _dir.Combine("notes.tmp");
        foreach (string file in new[] { dead, deadOther, live, unrelated })
        {
            File.WriteAllText(file, "partial");
        }

        IReadOnlyList<string> deleted = AtomicFile.DeleteAbandonedTemporaries(_dir.Path, "*.ckpt");

        Assert.That(deleted, Is.EqualTo(new[] { dead }));
        Assert.That(File.Exists(deadOther), Is.True, "only the pattern's temporaries");
        Assert.That(File.Exists(live), Is.True, "a live writer's temporary may be mid-save");
        Assert.That(File.Exists(unrelated), Is.True, "not a temporary of this convention");
        Assert.That(AtomicFile.DeleteAbandonedTemporaries(_dir.Path), Is.EqualTo(new[] { deadOther }));
    }

    [Test]
    public void ATemporaryWrittenBeforeItsProcessIdWasReusedIsAbandoned()
    {
        // pid_max may be 32768: the id of a writer killed a minute ago can belong to a new, unrelated process now.
        using var reused = System.Diagnostics.Process.Start("sleep", "5")!;
        try
        {
            string old = AtomicFile.TemporaryPath(_dir.Combine("ckpt-e0002-b000000.ckpt"), reused.Id);
            string current = AtomicFile.TemporaryPath(_dir.Combine("ckpt-e0003-b000000.ckpt"), reused.Id);
            File.WriteAllText(old, "partial");
            File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddMinutes(-1));
            File.WriteAllText(current, "partial");

            Assert.That(AtomicFile.DeleteAbandonedTemporaries(_dir.Path, "*.ckpt"), Is.EqualTo(new[] { old }));
            Assert.That(File.Exists(current), Is.True, "written since that process started: it may be the writer");
        }
        finally
        {
            reused.Kill();
        }
    }

    [TestCase("best.ckpt.123.tmp", true, 123)]
    [TestCase("notes.tmp", false, 0)]
    [TestCase("best.ckpt.x.tmp", false, 0)]
    [TestCase("best.ckpt.-5.tmp", false, 0)]
    public void TheWriterOfATemporaryIsReadFromItsName(string name, bool parses, int pid)
    {
        Assert.That(AtomicFile.TryGetWriter(name, out int found), Is.EqualTo(parses));
        Assert.That(found, Is.EqualTo(pid));
    }
}
