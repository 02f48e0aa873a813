using System.Diagnostics;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Training.Tests.Checkpoints;

public sealed class ResumeCommandTests
{
    [Test]
    public void APlainPathIsPrintedAsItIs()
    {
        Assert.That(ResumeCommand.For("/runs/20261126-1/checkpoints/ckpt-e0002-b000000.ckpt"), Is.EqualTo("train --resume /runs/20261126-1/checkpoints/ckpt-e0002-b000000.ckpt"));
    }

    [TestCase("/tmp/with space/ckpt-e0002-b000000.ckpt")]
    [TestCase("/tmp/it's/ckpt.ckpt")]
    [TestCase("/tmp/$HOME`x`\"q\"/a*b?.ckpt")]
    [TestCase("/tmp/tab\there/ckpt.ckpt")]
    public void APathAShellWouldSplitOrExpandComesBackWhole(string path)
    {
        string command = ResumeCommand.For(path);

        // What a user pastes: the shell must hand the path back as one argument, unchanged.
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"set -- {command}; printf '%s' \"$3\""]) { RedirectStandardOutput = true };
        using Process shell = Process.Start(start)!;
        string word = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();

        Assert.That(word, Is.EqualTo(path), command);
    }
}
