using System.Globalization;
using System.Text;

namespace ScratchNet.Host;

/// <summary>
/// A line for the terminal with the control characters of the values it echoes written out, as JSON writes them
/// (<c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\u001B</c>; <see cref="Commands.PredictionRecord.Quoted"/> quotes a name that way):
/// a refused value's <c>\r</c>, from a Windows <c>.env</c> file, moved the cursor back and the rest of the line overwrote its
/// start, and an escape sequence in a file name could recolour or clear the terminal.
/// </summary>
public static class ControlCharacters
{
    /// <summary><paramref name="text"/> with each control character written as its escape; the text itself when it has none.</summary>
    public static string Escaped(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '\r' => @"\r",
                '\n' => @"\n",
                '\t' => @"\t",
                _ when char.IsControl(c) => @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
