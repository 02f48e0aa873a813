using System.Buffers;
using System.Text;
using ScratchNet.Files;

namespace ScratchNet.Host.Settings;

/// <summary>
/// A --config file must be UTF-8 (or UTF-16/32 with a byte-order mark, which the JSON reader decodes): one saved as Latin-1
/// or Windows-1252 (Notepad's "ANSI") was read with each accented letter replaced by U+FFFD, so <c>"résultats"</c> named
/// another folder without a word.
/// </summary>
public static class ConfigurationFileEncoding
{
    /// <summary>The offset of the first byte that starts no UTF-8 character, or null when the file decodes (or declares another Unicode form).</summary>
    public static long? FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return null;
        }

        int offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return null;
    }

    /// <exception cref="ConfigurationFileNotFoundException">The file at <paramref name="path"/> is not UTF-8; the message says where and what to do.</exception>
    public static void Check(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reading it again for the settings says what is wrong in the configuration's own words.
            return;
        }

        if (FirstInvalidByte(bytes) is long offset)
        {
            throw new ConfigurationFileNotFoundException(
                $"--config {ShownName.Of(path)} is not UTF-8: byte offset {offset} (0x{bytes[offset]:X2}) starts no UTF-8 character (a file saved as Latin-1 or Windows-1252, Notepad's \"ANSI\"?); save it as UTF-8");
        }
    }
}
