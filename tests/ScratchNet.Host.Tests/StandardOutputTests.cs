namespace ScratchNet.Host.Tests;

public class StandardOutputTests
{
    [Test]
    public void AFailedWrite_IsRemembered_NotThrown_AndBecomesExitCode8WhenAsked()
    {
        var output = new StandardOutput(new FailingWriter(new IOException("No space left on device")));

        // Whoever writes (Serilog's console sink, the progress bar) goes on; the command asks at its end.
        Assert.DoesNotThrow(() => output.WriteLine("digit.png: 7 (p=0.9979)"));
        Assert.DoesNotThrow(() => output.Write('x'));
        Assert.That(output.Failure, Is.TypeOf<IOException>());

        Failure failure = Failure.From(Assert.Throws<StandardOutputException>(output.ThrowIfFailed)!);
        Assert.That(failure, Is.EqualTo(new Failure(
            ExitCodes.OutputFailed,
            "Could not write the results to standard output (No space left on device), so some or all of them are missing; free space where the output goes, or redirect it to a writable file, and run the command again",
            false)));
    }

    [Test]
    public void AClosedDescriptor_IsNamedAsSuch()
    {
        // .NET reports a write to a closed descriptor (>&-) as access denied.
        var output = new StandardOutput(new FailingWriter(new UnauthorizedAccessException("Access to the path is denied.")));
        output.Write("x");

        var error = Assert.Throws<StandardOutputException>(output.ThrowIfFailed);
        Assert.That(error!.Message, Does.StartWith("Could not write the results to standard output (it is closed or cannot be written)").And.Not.Contain("Access to the path"));
    }

    [Test]
    public void WritesThatSucceed_PassThrough_AndLeaveNothingToReport()
    {
        var inner = new StringWriter();
        var output = new StandardOutput(inner);
        output.Write("a");
        output.Write('b');
        output.WriteLine("c");
        output.Write(['d', 'e', 'f'], 1, 2);
        output.Flush();

        Assert.That(inner.ToString(), Is.EqualTo($"abc{Environment.NewLine}ef"));
        Assert.That(output.Failure, Is.Null);
        Assert.DoesNotThrow(output.ThrowIfFailed);
    }

    private sealed class FailingWriter(Exception failure) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => throw failure;

        public override void Write(string? value) => throw failure;

        public override void WriteLine(string? value) => throw failure;
    }
}
