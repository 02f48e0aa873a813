using System.Globalization;
using System.Text.RegularExpressions;

namespace ScratchNet.Files;

/// <summary>
/// A value a user wrote, as an error or a warning echoes it back: whole up to <see cref="Limit"/> characters, a longer one
/// cut to its start and its length (<c>'AAAA…AAA… (5,000 characters)'</c>). A 5,000-character bad value made a one-line
/// error 5 kB long, the reason lost far to its right; its first characters are enough to tell which value it was.
/// </summary>
public static partial class ShownValue
{
    /// <summary>The longest value shown whole.</summary>
    public const int Limit = 80;

    /// <summary>How many characters of a longer value are shown.</summary>
    public const int Kept = 60;

    /// <summary><paramref name="value"/> whole, or its first <see cref="Kept"/> characters, <c>…</c> and its length.</summary>
    public static string Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= Limit)
        {
            return value;
        }

        // Never half of a surrogate pair.
        int kept = char.IsHighSurrogate(value[Kept - 1]) ? Kept - 1 : Kept;
        return string.Create(CultureInfo.InvariantCulture, $"{value[..kept]}… ({value.Length:N0} characters)");
    }

    /// <summary>
    /// <paramref name="message"/> with every value it echoes (<see cref="Of"/>) shortened: a quoted one (<c>got '…'</c>,
    /// <c>"…"</c>) or a word (a key name, <c>--KEY</c>) longer than <see cref="Limit"/>. A path is left whole: its end names
    /// the file, and a long folder is no mistake. Every error passes through here once, so no echo site can forget.
    /// </summary>
    public static string InMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length <= Limit)
        {
            return message;
        }

        string shortened = SingleQuoted().Replace(message, m => IsPath(m.Groups["value"].Value) ? m.Value : $"'{Of(m.Groups["value"].Value)}'");
        shortened = DoubleQuoted().Replace(shortened, m => IsPath(m.Groups["value"].Value) ? m.Value : $"\"{Of(m.Groups["value"].Value)}\"");
        return LongWord().Replace(shortened, m => IsPath(m.Value) || m.Value.Contains("… (", StringComparison.Ordinal) ? m.Value : Of(m.Value));
    }

    // A URL is a value (Data:Mirrors:0), however many slashes it has.
    private static bool IsPath(string text) =>
        (text.Contains('/', StringComparison.Ordinal) || text.Contains('\\', StringComparison.Ordinal)) && !text.Contains("://", StringComparison.Ordinal);

    // A quote that opens a value follows a space, a bracket or the start, so an apostrophe (the model's) never opens one.
    [GeneratedRegex(@"(?<=^|[\s(=])'(?<value>[^'\n]{81,})'(?=$|[\s),;:.])")]
    private static partial Regex SingleQuoted();

    [GeneratedRegex(@"(?<=^|[\s(=])""(?<value>(?:[^""\\\n]|\\.){81,})""(?=$|[\s),;:.])")]
    private static partial Regex DoubleQuoted();

    [GeneratedRegex(@"[^\s'""]{81,}")]
    private static partial Regex LongWord();
}
