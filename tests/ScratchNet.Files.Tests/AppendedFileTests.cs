using System.Diagnostics;
using System.Text;

namespace ScratchNet.Files.Tests;

public sealed class AppendedFileTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void AJsonArrayAsTheWriterLeftIt_GetsTheNewElementBeforeItsBracket()
    {
        string path = _dir.Combine("history.json");
        File.WriteAllText(path, "[\n1\n]");

        long? length = AppendedFile.Append(path, 5, "\n]"u8, ",\n2\n]"u8);

        Assert.That(File.ReadAllText(path), Is.EqualTo("[\n1,\n2\n]"));
        Assert.That(length, Is.EqualTo(new FileInfo(path).Length));
    }

    [Test]
    public void AFileChangedSinceTheWriterLeftIt_IsLeftForAWholeWrite()
    {
        string path = _dir.Combine("history.csv");
        File.WriteAllText(path, "epoch\n1\n");
        File.AppendAllText(path, "edited\n");

        Assert.That(AppendedFile.Append(path, 8, [], "2\n"u8), Is.Null);
        Assert.That(File.ReadAllText(path), Is.EqualTo("epoch\n1\nedited\n"));
    }

    [Test]
    public void AHardLinkedFile_IsLeftForAWholeWrite_SoTheCopysFileDoesNotGrow()
    {
        // cp -al of a run folder: both names are one file until one of them is replaced.
        string path = _dir.Combine("history.csv");
        string copy = _dir.Combine("copy.csv");
        File.WriteAllText(path, "epoch\n1\n");
        using (Process ln = Process.Start("ln", [path, copy])!)
        {
            ln.WaitForExit();
            Assert.That(ln.ExitCode, Is.Zero);
        }

        long? length = AppendedFile.Append(path, 8, [], "2\n"u8);

        Assert.That(length, Is.Null);
        Assert.That(File.ReadAllText(copy, Encoding.UTF8), Is.EqualTo("epoch\n1\n"));
    }
}
