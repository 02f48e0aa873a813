using Serilog.Events;
using Serilog.Parsing;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests.Runs;

public sealed class RunLogTests
{
    [Test]
    public void ADiskThatFillsBeforeTheLogIsClosed_LosesItsLastLinesWithAWord_NotTheProcess()
    {
        // log.clef on /dev/full: every write fails with "No space left on device", the last when the file is closed, as
        // the process ends (it crashed there with exit 134).
        using var dir = new TempDirectory();
        File.CreateSymbolicLink(dir.Combine(RunLog.FileName), "/dev/full");
        var log = new RunLog();
        log.Open(dir.Path);
        log.Emit(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("epoch 1"), []));
        var error = new StringWriter();
        TextWriter before = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.That(log.Dispose, Throws.Nothing);
        }
        finally
        {
            Console.SetError(before);
        }

        Assert.That(error.ToString(), Does.StartWith($"Could not finish writing {dir.Combine(RunLog.FileName)}: ").And.Contain("its last lines are lost"));
    }

    [Test]
    public void AHardLinkedCopysLogGetsAFileOfItsOwn_SoItsSessionIsNotWrittenIntoTheOriginals()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("original"));
        Directory.CreateDirectory(dir.Combine("copy"));
        string original = dir.Combine(Path.Combine("original", RunLog.FileName));
        File.WriteAllText(original, "{\"@mt\":\"the first session\"}\n");
        using (var ln = System.Diagnostics.Process.Start("ln", [original, dir.Combine(Path.Combine("copy", RunLog.FileName))])!)
        {
            ln.WaitForExit();
        }

        var log = new RunLog();
        log.Open(dir.Combine("copy"));
        log.Emit(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("the copy's session"), []));
        log.Dispose();

        Assert.That(File.ReadAllText(original), Does.Not.Contain("the copy's session"));
        Assert.That(File.ReadAllText(dir.Combine(Path.Combine("copy", RunLog.FileName))), Does.Contain("the first session").And.Contain("the copy's session"));
    }
}
