namespace ScratchNet.Files.Tests;

public sealed class RealPathTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void EveryLinkOnThePathIsResolved()
    {
        string real = RealPath.Of(_dir.Path);
        Directory.CreateDirectory(Path.Combine(real, "run", "checkpoints"));
        File.WriteAllText(Path.Combine(real, "run", "checkpoints", "ckpt.ckpt"), "x");
        File.CreateSymbolicLink(_dir.Combine("folder-link"), Path.Combine(real, "run"));
        File.CreateSymbolicLink(_dir.Combine("file-link.ckpt"), Path.Combine(_dir.Combine("folder-link"), "checkpoints", "ckpt.ckpt"));

        Assert.That(RealPath.Of(_dir.Combine("file-link.ckpt")), Is.EqualTo(Path.Combine(real, "run", "checkpoints", "ckpt.ckpt")));
        Assert.That(RealPath.Of(Path.Combine(_dir.Combine("folder-link"), "checkpoints")), Is.EqualTo(Path.Combine(real, "run", "checkpoints")));
    }

    [Test]
    public void APathThatDoesNotExistIsItsAbsoluteForm() =>
        Assert.That(RealPath.Of(_dir.Combine("missing")), Is.EqualTo(_dir.Combine("missing")));
}
