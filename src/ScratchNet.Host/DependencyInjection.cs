using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using ScratchNet.Dashboard;
using ScratchNet.Data;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Progress;
using ScratchNet.Host.Reports;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Settings;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Options;
using ScratchNet.Training.Reports;

namespace ScratchNet.Host;

public static class DependencyInjection
{
    /// <summary>Microsoft.Extensions.Hosting's message when a hosted service throws on start.</summary>
    private const string HostingFailedToStart = "Hosting failed to start";

    /// <summary>
    /// Registers every project's services and the host's own: the Run and Progress options, Serilog and the run's log,
    /// the run folder, the commands, the reports and the dashboard. <see cref="ScratchNetHost.CreateBuilder(CommandLine, Action{IServiceCollection}?)"/>
    /// composes the configuration first and calls this with what it decided from it.
    /// </summary>
    /// <param name="configuration">The composed configuration (every source in place).</param>
    /// <param name="commandLine">The parsed command line.</param>
    /// <param name="chosen">The run folder a resume already claimed; null: chosen when first asked for.</param>
    /// <param name="resume">What train resumes (a checkpoint file, <see cref="RunFolderSelection.Latest"/>), or null.</param>
    /// <param name="checkpointsSetting">Checkpoints:Directory as configured before any recorded settings.</param>
    public static IServiceCollection AddScratchNetHost(this IServiceCollection services, ConfigurationManager configuration, CommandLine commandLine, RunFolder? chosen, string? resume, string checkpointsSetting)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(commandLine);
        services.AddOptions<RunOptions>().Bind(configuration.GetSection(RunOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunOptions>, RunOptionsValidator>());

        // The run's log file exists only once train has claimed its folder; until then events wait in memory.
        var runLog = new RunLog();
        services.AddSingleton(runLog);
        services.AddSerilog((provider, logger) =>
        {
            try
            {
                logger.ReadFrom.Configuration(configuration);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or InvalidCastException or TargetInvocationException)
            {
                // What the key check cannot see (an argument value Serilog cannot convert) is still a configuration error.
                throw new ConfigurationException([$"Serilog cannot use its configuration: {(e is TargetInvocationException { InnerException: { } inner } ? inner.Message : e.Message)}"], e);
            }

            // A service that fails to start (the dashboard's port taken) surfaces in Program as one line, or as a bug
            // with its stack trace; the host's own copy of that failure would put a stack trace under a user error.
            logger.ReadFrom.Services(provider).Enrich.FromLogContext().Enrich.With<ShownNameEnricher>().WriteTo.Sink(runLog)
                .Filter.ByExcluding(e => e.MessageTemplate.Text == HostingFailedToStart);
        });

        // Each train works in a run folder of its own (a resume: the interrupted run's), its checkpoints inside it.
        // The dashboard names the run's folder as it closes, which may be after the container is disposed (an interrupted
        // run ends by an exception): the folder's place is kept here once chosen, not asked of the container then.
        string? trainedIn = null;
        services.AddSingleton(sp =>
        {
            RunFolder folder = chosen ?? RunFolderSelection.Select(sp.GetRequiredService<IOptions<RunOptions>>().Value.Directory, resume, checkpointsSetting, DateTime.UtcNow);
            trainedIn = folder.Path;
            return folder;
        });
        // The folder is asked for when the checkpoint options are made, not when their factory is: the start-up validator
        // builds every factory first, and an unusable Run:Directory met there would hide every other options failure.
        services.AddOptions<CheckpointOptions>().PostConfigure<IServiceProvider>((options, provider) => options.Directory =
            provider.GetRequiredService<RunFolder>().CheckpointFolder(options.Directory, keepOwn: !ConfigurationSources.WrittenByUser(configuration, $"{CheckpointOptions.SectionName}:{nameof(CheckpointOptions.Directory)}")) ?? string.Empty);
        services.AddSingleton(sp => ConfigurationCheck.Schema(services));
        services.AddSingleton<EffectiveConfiguration>();
        services.AddSingleton<TrainingRun>();
        services.AddHostedService<StopSignals>();
        if (!OperatingSystem.IsWindows())
        {
            // StopSignals answers every stop signal (on Windows the console lifetime still turns Ctrl+C into a stop).
            services.AddSingleton<IHostLifetime, SignalsLifetime>();
        }

        // Results are written as plain lines, not logged: no Serilog setting may drop them or change their words.
        var results = new ResultWriter();
        services.TryAddSingleton(results);

        // The dashboard's URL is a result too, printed only where no stop came before it (see DashboardAnnouncement).
        var announcement = new DashboardAnnouncement(results);
        services.AddSingleton(announcement);

        // Errors and the answers to stop signals are log lines while the console shows them, else plain (UserLines).
        services.TryAddSingleton(sp => new UserLines(sp.GetRequiredService<IConfiguration>()));

        // The epoch's line first: it only logs, and an epoch that trained is reported even when a callback after it stops
        // the run there (the run folder found gone, a report the disk refuses). AddScratchNetTraining's own entry is then
        // the same registration and adds nothing.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, EpochLogger>());
        services.AddSingleton<ITrainingCallback>(sp => sp.GetRequiredService<TrainingRun>());
        services.AddSingleton<StartingWeights>();
        services.TryAddSingleton<IInitialWeights, ModelFileInitialWeights>();

        // Before the reports: a report the disk refuses ends the run (exit 8), and the trained model must be saved by then.
        services.AddSingleton<ModelSaver>();
        services.AddSingleton<ITrainingCallback>(sp => sp.GetRequiredService<ModelSaver>());
        services.AddSingleton<RescuePoint>();
        services.AddSingleton<ITrainingCallback>(sp => sp.GetRequiredService<RescuePoint>());

        string runsDirectory = commandLine.Option(ServeCommand.RunsOption.Name) ?? configuration[$"{RunOptions.SectionName}:{nameof(RunOptions.Directory)}"] ?? new RunOptions().Directory;

        // A value of the wrong type is reported with the other validation failures, not instead of them.
        services.Replace(ServiceDescriptor.Transient(typeof(IOptionsFactory<>), typeof(BindingErrorsAsValidationFailures<>)));
        services
            .AddScratchNetData(configuration)
            .AddScratchNetTraining(configuration)
            .AddRunReports(configuration)
            .AddSingleton(commandLine)
            .AddKeyedSingleton<ICommand, TrainCommand>("train")
            .AddKeyedSingleton<ICommand, EvaluateCommand>("evaluate")
            .AddKeyedSingleton<ICommand, PredictCommand>("predict")
            .AddKeyedSingleton<ICommand, ExportCommand>("export")
            .AddKeyedSingleton<ICommand, DiagnoseCommand>("diagnose")
            .AddKeyedSingleton<ICommand, ServeCommand>("serve")
            .AddScratchNetDashboard(configuration, new DashboardSources(
                runsDirectory,
                commandLine.Command == ServeCommand.Name ? commandLine.Option(ModelOption.Option.Name) : null)
            {
                DefaultRunsDirectory = IsDefaultRunsDirectory(runsDirectory),
                // Asked once the run has trained (its folder long chosen); a resumed run's folder may be anywhere.
                LiveRunFolder = () => trainedIn,
                Serving = commandLine.Command == ServeCommand.Name,
                Announce = line => announcement.Announce(line),
            });

        // After the checkpoint writer (AddScratchNetTraining), so each epoch's resume point is in place before older ones go.
        services.AddSingleton<ResumePointRetention>();
        services.AddSingleton<ITrainingCallback>(sp => sp.GetRequiredService<ResumePointRetention>());
        services.AddOptions<ProgressOptions>().Bind(configuration.GetSection(ProgressOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<TrainingOptions>, ThreadsBeyondProcessors>();
        services.AddHostedService<UnreadSettingsFile>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ScratchNet.Training.Callbacks.ITrainingCallback, ProgressBar>());
        return services;
    }

    /// <summary>
    /// Registers the Reports options, the run folder and the report callbacks, after the epoch logger:
    /// augmented.png when training starts with augmentation on, history.csv/json (and TensorBoard's event files when
    /// enabled) each epoch, then metrics.json and the PNG charts when training ends. TryAdd, so a test or experiment
    /// can replace them.
    /// </summary>
    /// <remarks>The <see cref="RunFolder"/> itself is registered by <see cref="AddScratchNetHost"/>: it depends on --resume.</remarks>
    public static IServiceCollection AddRunReports(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ReportsOptions>().Bind(configuration.GetSection(ReportsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportsOptions>, ReportsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, HistoryWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, MetricsWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, TensorBoardWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, PlotWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, AugmentationPreview>());
        return services;
    }

    // Composition runs before the options are validated: an empty or malformed Run:Directory is refused there, in one
    // line, so here it only is not the default.
    private static bool IsDefaultRunsDirectory(string runsDirectory)
    {
        try
        {
            return string.Equals(Path.GetFullPath(runsDirectory), Path.GetFullPath(new RunOptions().Directory), StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
