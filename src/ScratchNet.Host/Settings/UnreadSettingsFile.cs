using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Says when the working folder holds a config/appsettings.json that differs from the one read (the copy beside the
/// program): a learner who edits the clone's file and runs the built program sees the edit ignored, and the run's
/// config.json names the other file, so without a word the two are easily confused.
/// </summary>
internal sealed partial class UnreadSettingsFile(ILogger<UnreadSettingsFile> logger) : IHostedService
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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Find(Environment.CurrentDirectory, ScratchNetHost.AppSettingsPath) is { } unread)
        {
            LogUnread(logger, unread, ScratchNetHost.AppSettingsPath);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Unread} is not read: the settings read are {Read}, the copy beside the program, which differs from it; rebuild (dotnet build) to copy your edit there, or put your settings in a --config file")]
    private static partial void LogUnread(ILogger logger, string unread, string read);
}
