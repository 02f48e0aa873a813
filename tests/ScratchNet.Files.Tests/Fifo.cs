using System.Diagnostics;

namespace ScratchNet.Files.Tests;

/// <summary>Makes a named pipe with mkfifo: opening one for reading blocks until a writer comes, so code must never open it.</summary>
internal static class Fifo
{
    public static string Make(string path)
    {
        using var process = Process.Start("mkfifo", [path])!;
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), "mkfifo failed");
        return path;
    }
}
