using System.Globalization;
using ScratchNet.Files;

namespace ScratchNet.Data.Sources;

/// <summary>Where datasets are cached when <c>Data:CacheDirectory</c> is not set.</summary>
public static class CacheLocation
{
    /// <summary>
    /// %LOCALAPPDATA%\scratchnet on Windows; elsewhere $XDG_CACHE_HOME/scratchnet, else ~/.cache/scratchnet,
    /// else (no home, as in some containers) <c>scratchnet-cache-UID</c> in the temp folder.
    /// </summary>
    public static string DefaultRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            if (local.Length > 0)
            {
                return Path.Combine(local, "scratchnet");
            }
        }
        else
        {
            // The XDG spec says a relative value is invalid and must be ignored.
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
            {
                return Path.Combine(xdg, "scratchnet");
            }

            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (home.Length > 0)
            {
                return Path.Combine(home, ".cache", "scratchnet");
            }
        }

        return Path.Combine(Path.GetTempPath(), TempFolderName());
    }

    /// <summary>
    /// The temp folder is shared by every user: one cache there for all would belong to whoever made it first, and the
    /// next user could read it but not complete it. The user id keeps each user's apart.
    /// </summary>
    internal static string TempFolderName() =>
        OperatingSystem.IsWindows() ? "scratchnet-cache" : string.Create(CultureInfo.InvariantCulture, $"scratchnet-cache-{FileOwnership.CurrentUser}");

    /// <summary>
    /// The cache root in the temp folder when the cache falls back to it (no <c>Data:CacheDirectory</c>, no home), which
    /// must be this user's alone (<see cref="EnsurePrivate"/>); null when the cache is anywhere else.
    /// </summary>
    public static string? SharedTempRoot(string? configuredRoot)
    {
        string root = Path.Combine(Path.GetTempPath(), TempFolderName());
        return string.IsNullOrWhiteSpace(configuredRoot) && !OperatingSystem.IsWindows() && DefaultRoot() == root ? root : null;
    }

    /// <summary>
    /// Makes <paramref name="folder"/>, in the temp folder every user can write, this user's own: created readable and
    /// writable by its owner alone (0700). One already there is used only when it is a folder (not a link) of
    /// <paramref name="user"/>'s that no one else may write: any other user could have made it first, or could replace
    /// the files in it, and the cache reads and writes there. One of this user's that others may read (made before) is
    /// made 0700.
    /// </summary>
    /// <param name="folder">The temp cache root (<see cref="SharedTempRoot"/>).</param>
    /// <param name="origin">What chose the folder, for the message (<see cref="Origin"/>).</param>
    /// <param name="user">The user it must belong to; null: this process's effective user.</param>
    /// <exception cref="DatasetUnavailableException">The folder is another user's, a link, or writable by others.</exception>
    internal static void EnsurePrivate(string folder, string origin, uint? user = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        try
        {
            Directory.CreateDirectory(folder, OwnerOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Something else is there: what follows says what.
        }

        user ??= FileOwnership.CurrentUser;
        if (FileOwnership.Of(folder) is not { } found || user is null)
        {
            // No statx (not Linux, an old kernel): creating it 0700 is what can be done.
            return;
        }

        string name = ShownName.Of(folder);
        const string Yours = "set Data:CacheDirectory (or XDG_CACHE_HOME, or HOME) to a folder of your own";
        string? problem =
            found.IsLink ? $"is a symbolic link, which in the temp folder anyone could have made to lead anywhere; remove it (rm {ShellWord.Quote(folder)}) or {Yours}"
            : !found.IsDirectory ? $"is not a folder; remove it (rm {ShellWord.Quote(folder)}) or {Yours}"
            : found.Owner != user ? string.Create(CultureInfo.InvariantCulture, $"belongs to another user (uid {found.Owner}, you are {user}), who made it first and could change what the cache reads; {Yours}, or ask its owner to remove it")
            : found.WritableByOthers ? $"can be written by other users (mode {Octal(found.Mode)}), who could change what the cache reads; remove it (rm -r {ShellWord.Quote(folder)}: the next start makes it again, yours alone) or {Yours}"
            : null;
        if (problem is not null)
        {
            throw new DatasetUnavailableException($"The cache folder {name} ({origin}) {problem}.");
        }

        if ((found.Mode & ~OwnerOnly) != 0)
        {
            // Made by an earlier version, readable by others: the datasets are public, but the folder is a private one.
            try
            {
                File.SetUnixFileMode(folder, found.Mode & OwnerOnly);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A read-only file system: others may read it as before, and no one else may write it.
            }
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    /// <summary>
    /// What chose the cache folder, for messages: "set by Data:CacheDirectory", "set by XDG_CACHE_HOME", "the default under
    /// the home folder", …, so a user knows which setting to change.
    /// </summary>
    public static string Origin(string? configuredRoot)
    {
        if (!string.IsNullOrWhiteSpace(configuredRoot))
        {
            return "set by Data:CacheDirectory";
        }

        string root = DefaultRoot();
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!OperatingSystem.IsWindows() && !string.IsNullOrWhiteSpace(xdg) && root == Path.Combine(xdg, "scratchnet"))
        {
            return "set by XDG_CACHE_HOME";
        }

        return root.StartsWith(Path.GetTempPath(), StringComparison.Ordinal)
            ? "the default when no home folder is known: the temp folder"
            : OperatingSystem.IsWindows() ? "the default under %LOCALAPPDATA%" : "the default under the home folder, ~/.cache";
    }

    /// <summary>The folder of one dataset: <c>{root}/{dataset}</c>.</summary>
    public static string DatasetDirectory(string? configuredRoot, string dataset) =>
        Path.Combine(string.IsNullOrWhiteSpace(configuredRoot) ? DefaultRoot() : configuredRoot, dataset.ToLowerInvariant());
}
