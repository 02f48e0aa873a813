using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ScratchNet.Files;

/// <summary>
/// A word of a command that messages print for the user to paste (<c>train --resume PATH</c>, <c>rm -r PATH</c>,
/// <c>mkdir -p PATH</c>): quoted for a POSIX shell when it holds anything but plain path characters (a space, a quote, a $).
/// </summary>
public static partial class ShellWord
{
    /// <summary>
    /// The word itself when a shell reads it unchanged, else in single quotes (a quote inside as <c>'\''</c>); a word
    /// holding a line break or another character a terminal acts on (<see cref="ShownName"/>) in ANSI-C quotes
    /// (<c>$'x\ny.ckpt'</c>, which bash, zsh and POSIX 2024 shells read), so the command stays one line that pastes as written.
    /// </summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (Plain().IsMatch(word))
        {
            return word;
        }

        return !Acted(word) ? $"'{word.Replace("'", @"'\''", StringComparison.Ordinal)}'" : AnsiC(word);
    }

    private static string AnsiC(string word)
    {
        var quoted = new StringBuilder("$'", word.Length + 8);
        foreach (char c in word)
        {
            string one = c.ToString();
            quoted.Append(c switch
            {
                '\\' => @"\\",
                '\'' => @"\'",
                '\n' => @"\n",
                '\r' => @"\r",
                _ when !Acted(one) => one,
                _ when c < 0x80 => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
            });
        }

        return quoted.Append('\'').ToString();
    }

    // ShownName quotes text only where it holds such a character, and otherwise returns the text itself. A tab is left to
    // the single quotes every POSIX shell reads (dash has no ANSI-C quotes): it neither ends the line nor acts on the terminal.
    private static bool Acted(string text)
    {
        string untabbed = text.Replace('\t', ' ');
        return !ReferenceEquals(ShownName.Safe(untabbed), untabbed);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_./:=+@%,-]+$")]
    private static partial Regex Plain();
}
