using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Says when the working folder holds a config/appsettings.json that differs from the one read (the copy beside the
/// program): a learner who edits the clone's file and runs the built program sees the edit ignored, and the run's
/// config.json names the other file, so without a word the two are easily confused. So too for an appsettings.json (or
/// appsettings.Development.json, …) right in the working folder, where .NET programs commonly look and this one does not.
/// </summary>
internal sealed partial class UnreadSettingsFile(ILogger<UnreadSettingsFile> logger, IConfiguration configuration) : IHostedService
{
    /// <summary>The working folder's settings file when it exists and differs from <paramref name="readPath"/>, else null.</summary>
    public static string? Find(string workingFolder, string readPath)
    {
        ArgumentNullException.ThrowIfNull(workingFolder);
        ArgumentNullException.ThrowIfNull(readPath);
        string candidate = Path.GetFullPath(Path.Combine(workingFolder, "config", "appsettings.json"));
        if (string.Equals(candidate, Path.GetFullPath(readPath), StringComparison.Ordinal) || !File.Exists(candidate))
        {
            return null;
        }

        try
        {
            // A file a thousand times the shipped one's size is not an edited copy of it; no need to read it to say so.
            var info = new FileInfo(candidate);
            return info.Length > ScratchNetHost.MaxConfigurationFileBytes || !File.ReadAllBytes(candidate).AsSpan().SequenceEqual(File.ReadAllBytes(readPath))
                ? candidate
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a hint: a file that cannot be read is left unmentioned rather than stopping the command.
            return null;
        }
    }

    /// <summary>
    /// The working folder's own appsettings.json and appsettings.NAME.json (the .NET convention), in name order, less one
    /// that is <paramref name="readPath"/> itself or holds the same bytes.
    /// </summary>
    public static IReadOnlyList<string> FindConventional(string workingFolder, string readPath)
    {
        ArgumentNullException.ThrowIfNull(workingFolder);
        ArgumentNullException.ThrowIfNull(readPath);
        try
        {
            return [.. Directory.EnumerateFiles(workingFolder, "appsettings*.json")
                .Where(f => Conventional(Path.GetFileName(f)))
                .Select(Path.GetFullPath)
                .Where(f => Differs(f, readPath))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A file given with --config is read, wherever it is.
        HashSet<string> read = configuration is IConfigurationRoot root
            ? [.. root.Providers.OfType<FileConfigurationProvider>().Select(f => f.Source.FileProvider?.GetFileInfo(f.Source.Path ?? string.Empty).PhysicalPath).OfType<string>().Select(Path.GetFullPath)]
            : [];
        if (Find(Environment.CurrentDirectory, ScratchNetHost.AppSettingsPath) is { } unread && !read.Contains(unread))
        {
            LogUnread(logger, unread, ScratchNetHost.AppSettingsPath);
        }

        foreach (string conventional in FindConventional(Environment.CurrentDirectory, ScratchNetHost.AppSettingsPath).Where(f => !read.Contains(f)))
        {
            LogConventional(logger, conventional, ScratchNetHost.AppSettingsPath);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool Conventional(string name) =>
        string.Equals(name, "appsettings.json", StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith("appsettings.", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase));

    private static bool Differs(string candidate, string readPath)
    {
        if (string.Equals(candidate, Path.GetFullPath(readPath), StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            return new FileInfo(candidate).Length > ScratchNetHost.MaxConfigurationFileBytes || !File.ReadAllBytes(candidate).AsSpan().SequenceEqual(File.ReadAllBytes(readPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still worth the word: the user put it there to be read, and it is not.
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Unread} is not read: ScratchNet reads its settings from {Read} (the copy beside the program), a --config file, SCRATCHNET_ variables and the command line, not from the working folder; run with --config {Unread} to use it")]
    private static partial void LogConventional(ILogger logger, string unread, string read);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Unread} is not read: the settings read are {Read}, the copy beside the program, which differs from it; rebuild (dotnet build) to copy your edit there, or put your settings in a --config file")]
    private static partial void LogUnread(ILogger logger, string unread, string read);
}
