namespace ScratchNet.Host.Tests.Support;

/// <summary>What every user error through the executable must look like: its exit code, one line, no stack trace.</summary>
internal static class HostAssert
{
    public static void NoStackTrace(HostResult result)
    {
        Assert.That(result.Lines, Has.None.Match(@"^at \S+"), result.ToString());
        Assert.That(result.Output, Does.Not.Contain("Exception:"), result.ToString());
        Assert.That(result.Output, Does.Not.Contain("Unexpected error"), result.ToString());
    }

    public static void OneLine(HostResult result, int exitCode, params string[] contains)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.Lines, Has.Count.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Is.Empty, "an error goes to stderr: " + result);
        foreach (string text in contains)
        {
            Assert.That(result.Lines[0], Does.Contain(text), result.ToString());
        }

        NoStackTrace(result);
    }
}
