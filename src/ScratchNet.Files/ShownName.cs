using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ScratchNet.Files;

/// <summary>
/// A file's name as a line for a person shows it: predict's readings on stdout and every error or warning that names a
/// file. A name is a user's bytes: a line break in it made one error look like two, and an escape sequence
/// (<c>ESC[31m</c>) recoloured the terminal, so such a name is shown in double quotes with JSON's escapes, which any JSON
/// parser reads back. Ordinary names (spaces, <c>é</c>, <c>数字</c>) are shown as they are.
/// </summary>
public static class ShownName
{
    // Names stay readable (ü, 数字) rather than \u-escaped; quotes, backslashes and control characters are still escaped.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// <paramref name="name"/> as it is, or, where it holds a line break or another control character, a character that
    /// turns the line's text around or breaks it (bidirectional overrides, U+2028), a double quote first, or ": " (which
    /// would split predict's reading where a parser looks for the class), in double quotes with JSON's escapes, so a line
    /// that names it is always one line, and reads as written.
    /// </summary>
    public static string Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool plain = !name.Any(Unsafe) && !name.StartsWith('"') && !name.Contains(": ", StringComparison.Ordinal) && !name.EndsWith(':');
        return plain ? name : Quoted(name);
    }

    /// <summary>
    /// <paramref name="text"/> as it is, or, where it holds a character a terminal would act on (see <see cref="Of"/>), in
    /// double quotes with JSON's escapes: for a log line's values, which are mostly names, where the template around them
    /// is the program's own.
    /// </summary>
    public static string Safe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Any(Unsafe) ? Quoted(text) : text;
    }

    /// <summary>
    /// A message with every character <see cref="Of"/> would quote a name for, but its line breaks, escaped as JSON escapes
    /// it, in place: for a message built from text that may hold a name not passed through <see cref="Of"/> (an
    /// exception's own message), so no escape sequence in it reaches the terminal. Its line breaks stay, as a message of
    /// several lines (the sources a dataset was tried from) has them there on purpose.
    /// </summary>
    public static string Escaped(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.Any(c => c != '\n' && Unsafe(c)))
        {
            return message;
        }

        var escaped = new StringBuilder(message.Length + 16);
        foreach (char c in message)
        {
            escaped.Append(c != '\n' && Unsafe(c) ? Quoted(c.ToString())[1..^1] : c.ToString());
        }

        return escaped.ToString();
    }

    /// <summary><paramref name="text"/> as a JSON string: in double quotes, with quotes, backslashes and control characters escaped.</summary>
    public static string Quoted(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            writer.WriteStringValue(text);
        }

        string quoted = Encoding.UTF8.GetString(stream.ToArray());

        // The relaxed encoder leaves some of these as they are; a terminal would still act on them.
        return quoted.Any(Unsafe) ? string.Concat(quoted.Select(c => Unsafe(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : c.ToString())) : quoted;
    }

    // Control characters (line breaks, tab, ESC, C1), the line and paragraph separators, and the marks that reorder a
    // line's text when shown (U+202E made "gnp.exe" read "exe.png").
    private static bool Unsafe(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';
}
