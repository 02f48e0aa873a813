using System.Globalization;

namespace ScratchNet.Files;

/// <summary>
/// Reads files a user names (a model, a configuration file, an image, a checkpoint) with a size bound, and only when
/// they are regular files: a device such as <c>/dev/zero</c> would be read forever, and a named pipe would block the
/// open until something writes to it. Each is refused in one line before it is opened.
/// </summary>
public static class InputFile
{
    /// <summary>Checks that <paramref name="path"/> is an existing regular file of at most <paramref name="maxBytes"/>.</summary>
    /// <param name="description">What the file is, for the message: "the model file", "the configuration file".</param>
    /// <returns>The file's length in bytes.</returns>
    /// <exception cref="InputFileException">It is missing (an empty name included), not a regular file, or larger than the bound.</exception>
    public static long Check(string path, long maxBytes, string description)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);

        // A script's unset variable ("$f") makes an empty word, which names no file; a name of blanks may (a file can be
        // called "  "), so only a missing one is refused here, and by what it is rather than as a path made full.
        if (path.Length == 0)
        {
            throw new InputFileException(Sentence(description), null, "name is empty: an empty argument names no file (was a variable meant to hold the name unset?)", FileKind.Missing);
        }

        FileKind kind = FileKinds.Of(path);
        if (kind == FileKind.Missing && string.IsNullOrWhiteSpace(path))
        {
            throw new InputFileException(Sentence(description), null, $"name {ShownName.Quoted(path)} is only blanks, and no file is called that", kind);
        }

        if (kind == FileKind.Missing && path.Contains('\uFFFD', StringComparison.Ordinal))
        {
            // .NET decodes a name's bytes as UTF-8 and puts U+FFFD for those that are not (a Latin-1 name from an old
            // archive or a USB stick): such a file, though `ls` shows it, cannot be opened by that name.
            throw new InputFileException(Sentence(description), path, $"cannot be opened: its name is not valid UTF-8 (shown with \uFFFD where it is not), which .NET cannot open; rename it in UTF-8, e.g. convmv -f latin1 -t utf8 --notest FILE", kind);
        }

        if (kind == FileKind.Missing)
        {
            // A link there that leads nowhere is no typo in the name: "does not exist" sent the user looking for the file.
            throw new InputFileException(Sentence(description), Path.GetFullPath(path), FileKinds.NotAFile(path) ?? $"does not exist{TildeHint(path)}", kind);
        }

        if (kind != FileKind.Regular && kind != FileKind.Unknown)
        {
            throw new InputFileException(Sentence(description), path, FileKinds.NotA(kind, "a regular file"), kind);
        }

        long length;
        try
        {
            length = new FileInfo(path).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(Sentence(description), path, $"cannot be read: {FileSystemError.Reason(e)}", kind, e);
        }

        if (length > maxBytes)
        {
            throw new InputFileException(
                Sentence(description), path, string.Create(CultureInfo.InvariantCulture, $"is {length:N0} bytes; at most {maxBytes:N0} are read from such a file"), kind);
        }

        return length;
    }

    /// <summary>Reads a whole regular file of at most <paramref name="maxBytes"/> (see <see cref="Check"/>).</summary>
    /// <exception cref="InputFileException">It is missing, not a regular file, too large, or cannot be read.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, string description)
    {
        Check(path, maxBytes, description);
        try
        {
            using FileStream stream = File.OpenRead(path);

            // Read at most the bound even if the file grew since the check (or its size was not known).
            byte[] buffer = new byte[Math.Min(stream.Length, maxBytes)];
            int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read < buffer.Length)
            {
                Array.Resize(ref buffer, read);
            }

            if (stream.ReadByte() >= 0 && stream.Position > maxBytes)
            {
                throw new InputFileException(Sentence(description), path, string.Create(CultureInfo.InvariantCulture, $"is larger than {maxBytes:N0} bytes, the most read from such a file"), FileKind.Regular);
            }

            return buffer;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not InputFileException)
        {
            throw new InputFileException(Sentence(description), path, $"cannot be read: {FileSystemError.Reason(e)}", FileKind.Regular, e);
        }
    }

    /// <summary>Opens a regular file of at most <paramref name="maxBytes"/> for reading (see <see cref="Check"/>).</summary>
    public static FileStream OpenRead(string path, long maxBytes, string description)
    {
        Check(path, maxBytes, description);
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(Sentence(description), path, $"cannot be read: {FileSystemError.Reason(e)}", FileKind.Regular, e);
        }
    }

    /// <summary>
    /// For a missing name that starts with <c>~</c>: that the shell makes it the home folder only outside quotes
    /// (<c>predict m.snm '~/x.png'</c> looked for a folder named <c>~</c> here). Every file a user names that the
    /// program does not expand itself comes through here, so the hint is in one place.
    /// </summary>
    private static string TildeHint(string path)
    {
        if (!path.StartsWith('~'))
        {
            return "";
        }

        string home = path.StartsWith("~/", StringComparison.Ordinal) ? $", or \"$HOME{path[1..]}\" in double quotes" : "";
        return $" (a ~ is the home folder only where the shell expands it, outside quotes: write {ShownName.Of(path)} without quotes{home})";
    }

    private static string Sentence(string description) => char.ToUpperInvariant(description[0]) + description[1..];
}
