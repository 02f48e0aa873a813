using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Host.Commands;
using ScratchNet.Training.Options;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Says once, naming the source, that Training:Threads asks for more threads than this machine has processors and that
/// the processor count is used (<see cref="TrainingOptions.TryParseThreads"/>): a --config file written on a larger
/// machine still runs, with the same results, and its owner learns that <c>auto</c> fits every machine. Only the
/// commands that train or run a network from the configuration (train, diagnose) say it.
/// </summary>
internal sealed partial class ThreadsBeyondProcessors(IConfiguration configuration, CommandLine commandLine, ILogger<ThreadsBeyondProcessors> logger)
    : IPostConfigureOptions<TrainingOptions>
{
    private const string Key = $"{TrainingOptions.SectionName}:{nameof(TrainingOptions.Threads)}";
    private int _said;

    public void PostConfigure(string? name, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The options are built more than once (the start-up validator and IOptions keep their own copies).
        if (options.ThreadsBeyondProcessors() is not int threads || commandLine.Command is not (CommandLine.DefaultCommand or "diagnose")
            || Interlocked.Exchange(ref _said, 1) == 1)
        {
            return;
        }

        string source = (configuration is IConfigurationRoot root ? ConfigurationSources.SourceOf(root, Key) : null) ?? "default";
        LogCapped(logger, Key, threads, source, Environment.ProcessorCount, $"{Key}={TrainingOptions.AutoThreads}");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key} is {Threads} (from {Source}), more than this machine's processor count, {Processors}, which is used instead: results are the same for every count. {Auto} uses every core on any machine")]
    private static partial void LogCapped(ILogger logger, string key, int threads, string source, int processors, string auto);
}
