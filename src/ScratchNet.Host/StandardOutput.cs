namespace ScratchNet.Host;

/// <summary>
/// Standard output that remembers the first write that failed (a full disk behind <c>&gt; file</c>, a closed descriptor
/// behind <c>&gt;&amp;-</c>) instead of losing it: Serilog's console sink swallows its own failures, so without this a
/// command whose results are its output would report success with nothing written. So is a reader that went away
/// (<c>| true</c>, <c>| head</c>) before the end: .NET's console stream takes that for success, so standard output is
/// written through <see cref="StandardOutputPipe"/> when it is a pipe. Whether a failed write fails the command is the
/// command's to say: <c>train | head -1</c> runs to the end, its results being its files.
/// </summary>
public sealed class StandardOutput : TextWriter
{
    private readonly TextWriter _inner;
    private readonly CancellationTokenSource _failed = new();
    private Exception? _failure;

    public StandardOutput(TextWriter inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The first write that failed, or null while every write has succeeded.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// Cancelled at the first write that failed: a command whose results are its output stops there, rather than working
    /// on (<c>diagnose | head -1</c> ran every check after its reader had gone) to results no one can read.
    /// </summary>
    public CancellationToken Failed => _failed.Token;

    public override System.Text.Encoding Encoding => _inner.Encoding;

    /// <summary>This process's standard output, once <see cref="Install"/> has run (null in a test that builds a host of its own).</summary>
    public static StandardOutput? Installed { get; private set; }

    /// <summary>Makes <see cref="Console.Out"/> an instance of this class over the current one, and returns it.</summary>
    public static StandardOutput Install()
    {
        var output = new StandardOutput(StandardOutputPipe.Writer() ?? Console.Out);
        Console.SetOut(output);
        Installed = output;
        return output;
    }

    /// <summary>Why a write to standard output failed, and what makes it writable, in a user's words.</summary>
    public static (string Why, string Fix) Describe(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);

        // .NET reports a closed descriptor (>&-) as access denied.
        return failure is UnauthorizedAccessException
            ? ("it is closed or cannot be written", "run the command with an output it can write: a terminal, a file or a pipe")
            : StandardOutputPipe.IsBrokenPipe(failure)
            ? ("the program reading it stopped reading before the end", "let the program after | read all of it, or redirect the output to a file")
            : (failure.Message.TrimEnd('.'), "free space where the output goes, or redirect it to a writable file, and run the command again");
    }

    /// <exception cref="StandardOutputException">A write to standard output failed since the process started.</exception>
    public void ThrowIfFailed()
    {
        if (Exception() is { } exception)
        {
            throw exception;
        }
    }

    /// <summary>The failure to report for the first write that failed, or null while every write has succeeded.</summary>
    public StandardOutputException? Exception()
    {
        if (Failure is not { } failure)
        {
            return null;
        }

        (string why, string fix) = Describe(failure);
        return new StandardOutputException($"Could not write the results to standard output ({why}), so some or all of them are missing; {fix}", failure);
    }

    public override void Write(char value) => Try(w => w.Write(value));

    public override void Write(string? value) => Try(w => w.Write(value));

    public override void Write(char[] buffer, int index, int count) => Try(w => w.Write(buffer, index, count));

    public override void WriteLine(string? value) => Try(w => w.WriteLine(value));

    public override void Flush() => Try(w => w.Flush());

    private void Try(Action<TextWriter> write)
    {
        try
        {
            write(_inner);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Interlocked.CompareExchange(ref _failure, e, null) is null)
            {
                // Its callbacks run elsewhere: this thread may hold the console's lock, which a callback's own line would wait for.
                _ = _failed.CancelAsync();
            }
        }
    }
}
