namespace ScratchNet.Host;

/// <summary>
/// Writes a command's results (predict's readings, evaluate's score and confusion matrix, diagnose's table) to standard
/// output as plain lines. They are what the command was run for, so they are not log events: as Information events a
/// lower Serilog level (<c>Serilog:MinimumLevel:Default=Warning</c>) dropped every one of them with exit 0, and the
/// console's output template put a time in front of each reading in <c>predict … &gt; results.txt</c>. Progress, warnings
/// and errors stay log events, which the Serilog settings shape as before.
/// </summary>
public sealed class ResultWriter
{
    private readonly TextWriter? _output;

    /// <param name="output">Where the results go; null: <see cref="Console.Out"/> as it is at each write (the process's
    /// <see cref="StandardOutput"/>, which remembers a failed write, behind the progress bar's guard).</param>
    public ResultWriter(TextWriter? output = null) => _output = output;

    /// <summary>Writes <paramref name="text"/> (one line, or several separated by newlines) and ends its last line.</summary>
    /// <exception cref="StandardOutputException">This or an earlier write to standard output failed: the caller writes no
    /// further result (<c>predict DIR | head -1</c> went on through every reading after its reader had gone).</exception>
    public void WriteLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        TextWriter output = _output ?? Console.Out;
        StandardOutput? standard = _output as StandardOutput ?? (_output is null ? StandardOutput.Installed : null);
        standard?.ThrowIfFailed();

        // A table built line by line ends in a newline of its own; a second one would leave a blank line under it.
        output.WriteLine(text.TrimEnd('\r', '\n'));
        output.Flush();
        standard?.ThrowIfFailed();
    }
}
