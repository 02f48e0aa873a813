using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace ScratchNet.Host.Tests.Support;

/// <summary>Runs the built ScratchNet.Host as its own process, as a user would, and captures what it prints.</summary>
internal static class HostProcess
{
    /// <summary>Ctrl+C.</summary>
    public const int SigInt = 2;

    /// <summary>The terminal or SSH session closed.</summary>
    public const int SigHup = 1;

    /// <summary>A service manager or <c>kill</c> asks the process to end.</summary>
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

    /// <summary>
    /// Runs the host until it prints a line on stdout that <paramref name="ready"/> accepts (its handlers are in place and
    /// its work is under way), sends it <paramref name="signal"/>, and returns what it printed once it exits, failing the
    /// test if it takes longer than <paramref name="stopWithin"/> after the signal.
    /// </summary>
    /// <param name="settle">How long to wait after that line, to land in a long phase that prints nothing of its own.</param>
    public static HostResult SignalWhen(IEnumerable<string> args, string workingDirectory, Func<string, bool> ready, int signal, TimeSpan stopWithin, TimeSpan settle = default)
    {
        ArgumentNullException.ThrowIfNull(ready);
        using var process = new Process { StartInfo = StartInfo(args, workingDirectory) };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var seen = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stdout)
            {
                stdout.Append(e.Data).Append('\n');
            }

            if (ready(e.Data))
            {
                seen.Set();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.Append(e.Data).Append('\n');
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.That(seen.Wait(TimeSpan.FromSeconds(60)), Is.True, $"the host never got ready:\n{stdout}{stderr}");
            Thread.Sleep(settle);
            Assert.That(process.HasExited, Is.False, $"the host ended before the signal:\n{stdout}{stderr}");
            Interrupt(process, signal);
            Assert.That(process.WaitForExit(stopWithin), Is.True, $"the host went on for more than {stopWithin} after signal {signal}:\n{stdout}{stderr}");
            process.WaitForExit();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }

        lock (stdout)
        {
            lock (stderr)
            {
                return new HostResult(process.ExitCode, stdout.ToString(), stderr.ToString());
            }
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
