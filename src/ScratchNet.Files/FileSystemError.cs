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

    /// <summary>
    /// What fixes the failure, as a clause that can follow a semicolon: "free space" for a full disk or quota,
    /// "fix the folder's permissions" for a refusal, otherwise both (<see cref="FileWriteException.FreeSpace"/>).
    /// </summary>
    public static string Remedy(Exception? error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is FileWriteException written)
            {
                return written.Remedy;
            }

            // On Unix .NET puts the errno of an unmapped failure in HResult: ENOSPC 28, EDQUOT 122, EROFS 30.
            if (e.HResult is NoSpaceErrno or QuotaErrno || e.Message.Contains("No space left on device", StringComparison.Ordinal))
            {
                return "free space";
            }

            if (e.HResult == ReadOnlyErrno || e.Message.Contains("Read-only file system", StringComparison.Ordinal))
            {
                return "write to a file system that is not read-only";
            }

            if (e is UnauthorizedAccessException)
            {
                return "fix the folder's permissions";
            }
        }

        return FileWriteException.FreeSpace;
    }

    private const int NoSpaceErrno = 28;
    private const int ReadOnlyErrno = 30;
    private const int QuotaErrno = 122;

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
