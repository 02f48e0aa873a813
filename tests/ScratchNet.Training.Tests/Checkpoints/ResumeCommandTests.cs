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

    // A line break in a run's name split "Resume with: train --resume '/x/a" from "b.ckpt'" (retest X8's class): such a
    // word is in ANSI-C quotes, one line, which bash and zsh, a user's interactive shells, read back whole.
    [TestCase("/tmp/a\nb/ckpt.ckpt")]
    [TestCase("/tmp/\u001B[31mred's\\/ckpt.ckpt")]
    [TestCase("/tmp/\u202Egnp.ckpt")]
    public void APathWithALineBreakOrAnEscapeIsOneLineAndComesBackWhole(string path)
    {
        string command = ResumeCommand.For(path);
        Assert.That(command, Does.Not.Contain("\n").And.Not.Contain("\u001B").And.Not.Contain("\u202E"), "one line, nothing a terminal acts on");

        var start = new ProcessStartInfo("bash", ["-c", $"set -- {command}; printf '%s' \"$3\""]) { RedirectStandardOutput = true };
        start.Environment["LC_ALL"] = "C.UTF-8"; // \u escapes are written in the locale's encoding
        using Process shell = Process.Start(start)!;
        string word = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();

        Assert.That(word, Is.EqualTo(path), command);
    }
}
