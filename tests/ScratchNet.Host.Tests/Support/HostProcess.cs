using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ScratchNet.Host.Tests.Support;

/// <summary>Runs the built ScratchNet.Host as its own process, as a user would, and captures what it prints.</summary>
internal static class HostProcess
{
    /// <summary>Ctrl+C.</summary>
    public const int SigInt = 2;

    /// <summary>The terminal or SSH session closed.</summary>
    public const int SigHup = 1;

    /// <summary>kill's default signal.</summary>
    public const int SigTerm = 15;

    /// <summary>
    /// Sends <paramref name="signal"/> (SIGINT, Ctrl+C, unless told otherwise) to <paramref name="process"/> at once. A `kill`
    /// child process would first have to be started, which on a loaded machine can take long enough for a short run to
    /// finish before the signal lands.
    /// </summary>
    public static void Interrupt(Process process, int signal = SigInt)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (Kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the test project for one call
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054

    /// <summary>The Host assembly copied into the test's output folder by the project reference.</summary>
    public static string HostDll { get; } = typeof(Failure).Assembly.Location;

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostDll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test's own environment must not leak configuration into the child.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith(ScratchNetHost.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";

        // What a run saves to the temp folder when its own folder fails it (a model, a resume point) goes with the test's folder.
        if (Path.GetFullPath(workingDirectory).StartsWith(Path.GetTempPath(), StringComparison.Ordinal))
        {
            start.Environment["TMPDIR"] = workingDirectory;
        }

        return start;
    }

    public static HostResult Run(IEnumerable<string> args, string workingDirectory, TimeSpan? timeout = null) =>
        Run(StartInfo(args, workingDirectory), timeout);

    /// <summary>Runs a <see cref="StartInfo"/> a test changed (an environment variable, a shell around the host).</summary>
    public static HostResult Run(ProcessStartInfo start, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"the host did not exit within {timeout ?? TimeSpan.FromSeconds(60)}: {string.Join(' ', start.ArgumentList)}\n{stdout.Result}{stderr.Result}");
        }

        return new HostResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>What one run of the host printed and returned.</summary>
internal sealed record HostResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n{Output}";
}
