using ScratchNet.Host.Progress;
using System.Text;

namespace ScratchNet.Host.Tests.Progress;

/// <summary>
/// The progress line and the console lines around it, as a terminal shows them: stdout and stderr both end up on one
/// screen, so both write into the same <see cref="StringWriter"/> here, rendered by <see cref="Screen"/>.
/// </summary>
public class ProgressLineTests
{
    private const string Bar = "epoch 4/30 [#######################.......] 1346/1750 loss 0.3591 85,560 samples/s run ETA 0:20";

    [Test]
    public void ALineOnStderr_ErasesTheProgressLineFirst_InsteadOfRunningOnFromIt()
    {
        // Seen on a terminal before: "… run ETA 0:2021:10:33 Stopping (Ctrl+C): training ends at the next batch …".
        var terminal = new StringWriter();
        var line = new ProgressLine(terminal, () => 100);
        TextWriter stderr = line.Guard(terminal);

        Assert.That(line.Draw(Bar), Is.True);
        stderr.WriteLine("21:10:33 Stopping (Ctrl+C): training ends at the next batch");

        Assert.That(Screen(terminal.ToString(), 100), Is.EqualTo(new[] { "21:10:33 Stopping (Ctrl+C): training ends at the next batch", "" }));
    }

    [Test]
    public void ALineOnStdout_ErasesTheProgressLineFirst_AndTheBarComesBackUnderIt()
    {
        var terminal = new StringWriter();
        var line = new ProgressLine(terminal, () => 100);
        TextWriter stdout = line.Guard(terminal);

        line.Draw(Bar);
        stdout.WriteLine("21:10:33 Saved a checkpoint");
        line.Draw(Bar);

        Assert.That(Screen(terminal.ToString(), 100), Is.EqualTo(new[] { "21:10:33 Saved a checkpoint", Bar }));
    }

    [Test]
    public void TheBarIsNotDrawnInsideALineStillBeingWritten()
    {
        // A log event written in pieces (a coloured theme), or one from another thread (a signal's answer).
        var terminal = new StringWriter();
        var line = new ProgressLine(terminal, () => 100);
        TextWriter stderr = line.Guard(terminal);

        line.Draw(Bar);
        stderr.Write("21:10:33 ");
        Assert.That(line.Draw(Bar), Is.False, "the line on stderr is unfinished");
        stderr.Write("Interrupted at epoch 4\n");
        Assert.That(line.Draw(Bar), Is.True, "the line ended");

        Assert.That(Screen(terminal.ToString(), 100), Is.EqualTo(new[] { "21:10:33 Interrupted at epoch 4", Bar }));
    }

    [Test]
    public void AfterTheWindowShrinks_NothingIsWrittenUpToTheOldWidth()
    {
        // Spaces over the old 95 characters in a 30-column window would wrap into rows of blanks.
        int columns = 100;
        var terminal = new StringWriter();
        var line = new ProgressLine(terminal, () => columns);
        TextWriter stderr = line.Guard(terminal);
        line.Draw(Bar);
        int before = terminal.GetStringBuilder().Length;

        columns = 30;
        stderr.WriteLine("21:10:33 Stopping (Ctrl+C)");
        line.Draw("epoch 4/30 1346/1750");
        line.Erase();

        string after = terminal.ToString()[before..];
        Assert.That(after.Split('\r', '\n').Max(s => s.Length), Is.LessThan(30), after.Replace("\r", "\\r", StringComparison.Ordinal));
    }

    [Test]
    public void AGuardedWriterPassesEverythingOn_WhenNoBarIsDrawn()
    {
        var terminal = new StringWriter();
        TextWriter stdout = new ProgressLine(terminal).Guard(terminal);

        stdout.Write('a');
        stdout.Write("bc".AsSpan());
        stdout.Write(['d', 'e'], 0, 2);
        stdout.WriteLine("f");
        stdout.WriteLine();

        Assert.That(terminal.ToString(), Is.EqualTo($"abcdef{Environment.NewLine}{Environment.NewLine}"));
    }

    /// <summary>
    /// What a terminal of <paramref name="columns"/> columns shows after <paramref name="output"/>, trailing spaces
    /// trimmed: a carriage return goes back to the row's start, a newline to the next row, and a character after the
    /// last column wraps (as xterm does).
    /// </summary>
    private static string[] Screen(string output, int columns)
    {
        var rows = new List<StringBuilder> { new() };
        int column = 0;
        foreach (char c in output)
        {
            switch (c)
            {
                case '\r':
                    column = 0;
                    break;
                case '\n':
                    rows.Add(new StringBuilder());
                    column = 0;
                    break;
                default:
                    if (column == columns)
                    {
                        rows.Add(new StringBuilder());
                        column = 0;
                    }

                    StringBuilder row = rows[^1];
                    if (column < row.Length)
                    {
                        row[column] = c;
                    }
                    else
                    {
                        row.Append(c);
                    }

                    column++;
                    break;
            }
        }

        return rows.Select(r => r.ToString().TrimEnd()).ToArray();
    }
}
