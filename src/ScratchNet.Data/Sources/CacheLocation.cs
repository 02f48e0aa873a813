using System.Globalization;
using System.Runtime.InteropServices;

namespace ScratchNet.Data.Sources;

/// <summary>Where datasets are cached when <c>Data:CacheDirectory</c> is not set.</summary>
public static partial class CacheLocation
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
        OperatingSystem.IsWindows() ? "scratchnet-cache" : string.Create(CultureInfo.InvariantCulture, $"scratchnet-cache-{GetEffectiveUserId()}");

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

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
