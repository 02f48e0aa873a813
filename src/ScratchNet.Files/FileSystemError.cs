namespace ScratchNet.Files;

/// <summary>
/// Says in our own words why the file system refused an operation, for a message that already names the file: .NET's
/// text names the temporary file (<c>best.ckpt.4133.tmp</c>) rather than the target, ends in a full stop that doubles
/// the punctuation of the sentence around it, and its type names mean nothing to a user.
/// </summary>
public static class FileSystemError
{
    /// <summary>ENAMETOOLONG on Linux: a name beyond 255 bytes or a path beyond 4,096.</summary>
    public const int NameTooLongErrno = 36;

    /// <summary>What a path too long for the file system is called in every message.</summary>
    public const string NameTooLong = "path or file name too long (at most 255 bytes a name and 4,096 a path)";

    /// <summary>"No space left on device", "permission denied", <see cref="NameTooLong"/>, …: no path, no type name, no final full stop.</summary>
    public static string Reason(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (IsNameTooLong(error))
        {
            return NameTooLong;
        }

        return error switch
        {
            FileWriteException e => e.Reason,
            UnauthorizedAccessException => "permission denied",
            FileNotFoundException or DirectoryNotFoundException => "its folder does not exist",
            _ => WithoutPath(error.Message),
        };
    }

    /// <summary>True when <paramref name="error"/> (or what it wraps) is ENAMETOOLONG.</summary>
    public static bool IsNameTooLong(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            // On Unix .NET puts the errno of an unmapped failure in HResult.
            if (e is PathTooLongException || (e is IOException && e.HResult == NameTooLongErrno))
            {
                return true;
            }
        }

        return false;
    }

    // .NET on Unix: "No space left on device : '/runs/x/best.ckpt.4133.tmp'".
    private static string WithoutPath(string message)
    {
        int path = message.IndexOf(" : '", StringComparison.Ordinal);
        string reason = (path >= 0 ? message[..path] : message).Trim().TrimEnd('.');
        return reason.Length == 0 ? "an I/O error" : reason;
    }
}
