using System.Text;

namespace ScratchNet.Host.Progress;

/// <summary>
/// The progress bar's line on standard output. It is redrawn in place with carriage returns and never ends in a newline,
/// so any other console line would run on from it: a warning on stderr after "run ETA 0:20" read
/// "run ETA 0:2021:10:33 Stopping (Ctrl+C): …", and the dead bar stayed on screen. <see cref="Install"/> routes every
/// console write, to stdout and to stderr alike, through <see cref="Guard"/>, which erases the line first; the bar comes
/// back at its next redraw, under the new line. While another write has left its line unfinished (a log event written in
/// pieces, or one from another thread) the bar is not drawn, so it never lands inside someone else's line.
/// </summary>
public sealed class ProgressLine
{
    /// <summary>The terminal's width where it cannot be read.</summary>
    private const int DefaultColumns = 80;

    // Once installed, the console's own lock. .NET's Unix console takes Console.Out's lock for every write to the terminal,
    // stderr's too, and Console.Out's synchronized writer holds it while it writes stdout; a gate of the line's own, taken
    // inside that lock for stdout and outside it for stderr, let a stop signal's first stderr line and predict's next
    // reading on a full pipe each wait for the other for good (probe-retest12 R12-1). One lock, one order.
    private object _gate = new();
    private readonly TextWriter _output;
    private readonly Func<int> _columns;
    private int _drawn;
    private bool _otherLineOpen;

    /// <param name="output">Where the line is drawn, unguarded (the terminal's stdout).</param>
    /// <param name="columns">The terminal's width, read at each draw (a window can be resized); null: 80.</param>
    public ProgressLine(TextWriter output, Func<int>? columns = null)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _columns = columns ?? (() => DefaultColumns);
    }

    /// <summary>This process's line, once <see cref="Install"/> has run (null in a test that builds a host of its own).</summary>
    public static ProgressLine? Console { get; private set; }

    /// <summary>
    /// The widest line that can be drawn: one column short of the terminal's edge, since a line that fills the last
    /// column wraps on some terminals, and a wrapped line cannot be redrawn in place.
    /// </summary>
    public int Width
    {
        get
        {
            int columns = _columns();
            return (columns > 1 ? columns : DefaultColumns) - 1;
        }
    }

    /// <summary>
    /// Makes <see cref="System.Console.Out"/> and <see cref="System.Console.Error"/> erase the line before they write,
    /// and returns the line, drawn on the stdout there was before.
    /// </summary>
    public static ProgressLine Install()
    {
        var line = new ProgressLine(System.Console.Out, TerminalColumns);
        System.Console.SetOut(line.Guard(System.Console.Out));
        System.Console.SetError(line.Guard(System.Console.Error));
        line._gate = System.Console.Out;
        Console = line;
        return line;
    }

    /// <summary>The terminal's width in columns, or 0 where it cannot be read.</summary>
    public static int TerminalColumns()
    {
        try
        {
            return System.Console.WindowWidth;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 0;
        }
    }

    /// <summary>Draws <paramref name="text"/> (at most <see cref="Width"/> characters) in place of the line.</summary>
    /// <returns>False where another write has left its line unfinished: nothing was drawn.</returns>
    public bool Draw(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            if (_otherLineOpen)
            {
                return false;
            }

            // Spaces cover what a longer line drawn before left (a speed that lost a digit), where an escape code would
            // need a terminal that knows it. Never past the edge: after the window shrank, spaces up to the old length
            // would wrap into rows of blanks.
            _output.Write('\r');
            _output.Write(text.PadRight(Math.Min(_drawn, Width)));
            _output.Flush();
            _drawn = text.Length;
            return true;
        }
    }

    /// <summary>Covers the line with spaces and returns to its start, so what is written next stands alone.</summary>
    public void Erase()
    {
        lock (_gate)
        {
            EraseHeld();
        }
    }

    /// <summary>A writer that erases the line before each write it passes on to <paramref name="inner"/>.</summary>
    public TextWriter Guard(TextWriter inner) => new GuardedWriter(this, inner ?? throw new ArgumentNullException(nameof(inner)));

    private void EraseHeld()
    {
        if (_drawn > 0)
        {
            _output.Write($"\r{new string(' ', Math.Min(_drawn, Width))}\r");
            _output.Flush();
            _drawn = 0;
        }
    }

    private void Before(TextWriter inner, Action<TextWriter> write, bool endsLine)
    {
        lock (_gate)
        {
            EraseHeld();
            write(inner);
            _otherLineOpen = !endsLine;
        }
    }

    private sealed class GuardedWriter(ProgressLine line, TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override IFormatProvider FormatProvider => inner.FormatProvider;

        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string NewLine
        {
            get => inner.NewLine;
            set => inner.NewLine = value;
        }

        public override void Write(char value) => line.Before(inner, w => w.Write(value), value == '\n');

        public override void Write(string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                line.Before(inner, w => w.Write(value), value.EndsWith('\n'));
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            if (count > 0)
            {
                line.Before(inner, w => w.Write(buffer, index, count), buffer[index + count - 1] == '\n');
            }
        }

        public override void WriteLine() => line.Before(inner, w => w.WriteLine(), endsLine: true);

        public override void WriteLine(string? value) => line.Before(inner, w => w.WriteLine(value), endsLine: true);

        public override void Flush() => inner.Flush();
    }
}
