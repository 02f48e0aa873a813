using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using System.Reflection;
using ScratchNet.Files;
using ScratchNet.Host.Settings;
using ScratchNet.Host.Runs;
using ScratchNet.Training.Options;
using ScratchNet.Dashboard;
using ScratchNet.Dashboard.Options;
using ScratchNet.Data;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Reports;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;

namespace ScratchNet.Host;

/// <summary>Builds the generic host: configuration sources, Serilog, and every project's services.</summary>
public static class ScratchNetHost
{
    /// <summary>Microsoft.Extensions.Hosting's message when a hosted service throws on start.</summary>
    private const string HostingFailedToStart = "Hosting failed to start";

    /// <summary>The prefix of environment variables that override configuration, e.g. SCRATCHNET_Training__Epochs=5.</summary>
    public const string EnvironmentPrefix = "SCRATCHNET_";

    /// <summary>The configuration key (or <c>--recipe NAME</c>) naming a file of config/recipes/ to layer over appsettings.json.</summary>
    public const string RecipeKey = "Recipe";

    /// <summary>The recipes shipped in config/recipes/, by name.</summary>
    public static IReadOnlyList<string> Recipes =>
        Directory.Exists(RecipeDirectory)
            ? Directory.EnumerateFiles(RecipeDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>The largest --config file read (the shipped appsettings.json is about 1 KB).</summary>
    public const long MaxConfigurationFileBytes = 1 << 20;

    private static string RecipeDirectory => Path.Combine(AppContext.BaseDirectory, "config", "recipes");

    /// <summary>The settings file read first: the copy of config/appsettings.json beside the program, not the clone's or the working folder's.</summary>
    public static string AppSettingsPath => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json"));

    /// <param name="args">The whole command line, e.g. <c>train --Training:Epochs=5</c> (see <see cref="CommandLine"/>).</param>
    /// <param name="configureServices">Runs last, so an experiment or a test can replace any service.</param>
    public static HostApplicationBuilder CreateBuilder(string[] args, Action<IServiceCollection>? configureServices = null) =>
        CreateBuilder(CommandLine.Parse(args), configureServices);

    /// <param name="commandLine">The parsed command line; only its configuration overrides reach the configuration.</param>
    /// <param name="configureServices">Runs last, so an experiment or a test can replace any service.</param>
    public static HostApplicationBuilder CreateBuilder(CommandLine commandLine, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        WorkingFolder.Check();
        WholeNumbers.Install();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });

        // Later sources win: the reference recipe (appsettings.json), what an earlier run recorded (RecordedSettings), a
        // recipe, a --config file, environment variables, the command line.
        builder.Configuration.AddJsonFile(AppSettingsPath, optional: false, reloadOnChange: false);
        if (commandLine.Option("config") is { } configFile)
        {
            string path = Path.GetFullPath(configFile);
            try
            {
                // A device or a pipe given as the file would be read forever, or block; a real one is a few kilobytes.
                InputFile.Check(path, MaxConfigurationFileBytes, "the configuration file (--config)");
            }
            catch (InputFileException e)
            {
                throw new ConfigurationFileNotFoundException($"{e.Message}; give the path of a JSON file such as config/appsettings.json");
            }

            builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine([.. commandLine.ConfigurationArguments]);
        AddRecipe(builder.Configuration, commandLine.Option("recipe") ?? builder.Configuration[RecipeKey]);
        string? resume = ResumeRequest(commandLine, builder.Configuration);
        string checkpointsSetting = builder.Configuration[$"{CheckpointOptions.SectionName}:{nameof(CheckpointOptions.Directory)}"] ?? new CheckpointOptions().Directory;
        RunFolder? chosen = null;
        string runs = builder.Configuration[$"{RunOptions.SectionName}:{nameof(RunOptions.Directory)}"] ?? new RunOptions().Directory;
        if (string.Equals(resume, RunCatalog.Latest, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(runs))
        {
            // Chosen and claimed at once, before the checkpoint's settings are read: a train --resume started beside
            // another one takes the next interrupted run instead of failing on the same one. (An empty Run:Directory is
            // left to the options' validation, which says so in one line.)
            chosen = RunCatalog.ClaimLatestInterrupted(runs, checkpointsSetting);
            resume = chosen?.ResumeCheckpoint ?? resume;
        }
        else if (!string.IsNullOrWhiteSpace(resume) && !string.Equals(resume, RunCatalog.Latest, StringComparison.OrdinalIgnoreCase))
        {
            resume = RunCatalog.ResumeTarget(resume, runs);

            // A run folder continues in that folder, wherever it is, from its newest resume point.
            chosen = RunCatalog.RunAt(resume, checkpointsSetting);
            resume = chosen?.ResumeCheckpoint ?? resume;
        }

        RecordedSettings? recorded = commandLine.Command switch
        {
            "evaluate" => RecordedSettings.OfModelData(commandLine.Option(ModelOption.Option.Name), builder.Configuration),
            CommandLine.DefaultCommand when resume is not null => RecordedSettings.OfCheckpoint(resume, builder.Configuration),
            CommandLine.DefaultCommand or "diagnose" => RecordedSettings.OfModelArchitecture(builder.Configuration[$"{ModelOptions.SectionName}:{nameof(ModelOptions.InitFrom)}"], builder.Configuration),
            _ => null,
        };
        if (recorded is not null)
        {
            // Right above appsettings.json: a recipe, a --config file, environment variables and the command line still win.
            builder.Configuration.Sources.Insert(IndexOfAppSettings(builder.Configuration) + 1, recorded);
        }

        AddDashboardSwitch(builder.Configuration, commandLine);

        builder.Services.AddOptions<RunOptions>().Bind(builder.Configuration.GetSection(RunOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunOptions>, RunOptionsValidator>());

        // The run's log file exists only once train has claimed its folder; until then events wait in memory.
        var runLog = new RunLog();
        builder.Services.AddSingleton(runLog);
        builder.Services.AddSerilog((services, logger) =>
        {
            try
            {
                logger.ReadFrom.Configuration(builder.Configuration);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or InvalidCastException or TargetInvocationException)
            {
                // What the key check cannot see (an argument value Serilog cannot convert) is still a configuration error.
                throw new ConfigurationException([$"Serilog cannot use its configuration: {(e is TargetInvocationException { InnerException: { } inner } ? inner.Message : e.Message)}"], e);
            }

            // A service that fails to start (the dashboard's port taken) surfaces in Program as one line, or as a bug
            // with its stack trace; the host's own copy of that failure would put a stack trace under a user error.
            logger.ReadFrom.Services(services).Enrich.FromLogContext().WriteTo.Sink(runLog)
                .Filter.ByExcluding(e => e.MessageTemplate.Text == HostingFailedToStart);
        });

        // Each train works in a run folder of its own (a resume: the interrupted run's), its checkpoints inside it.
        // The dashboard names the run's folder as it closes, which may be after the container is disposed (an interrupted
        // run ends by an exception): the folder's place is kept here once chosen, not asked of the container then.
        string? trainedIn = null;
        builder.Services.AddSingleton(sp =>
        {
            RunFolder folder = chosen ?? RunCatalog.Select(sp.GetRequiredService<IOptions<RunOptions>>().Value.Directory, resume, checkpointsSetting, DateTime.UtcNow);
            trainedIn = folder.Path;
            return folder;
        });
        // The folder is asked for when the checkpoint options are made, not when their factory is: the start-up validator
        // builds every factory first, and an unusable Run:Directory met there would hide every other options failure.
        builder.Services.AddOptions<CheckpointOptions>().PostConfigure<IServiceProvider>((options, services) => options.Directory =
            services.GetRequiredService<RunFolder>().CheckpointFolder(options.Directory, keepOwn: !ConfigurationSources.WrittenByUser(builder.Configuration, $"{CheckpointOptions.SectionName}:{nameof(CheckpointOptions.Directory)}")) ?? string.Empty);
        builder.Services.AddSingleton(sp => ConfigurationCheck.Schema(builder));
        builder.Services.AddSingleton<EffectiveConfiguration>();
        builder.Services.AddSingleton<TrainingRun>();
        builder.Services.AddHostedService<StopSignals>();
        if (!OperatingSystem.IsWindows())
        {
            // StopSignals answers every stop signal (on Windows the console lifetime still turns Ctrl+C into a stop).
            builder.Services.AddSingleton<IHostLifetime, SignalsLifetime>();
        }

        // Results are written as plain lines, not logged: no Serilog setting may drop them or change their words.
        var results = new ResultWriter();
        builder.Services.TryAddSingleton(results);

        // Errors and the answers to stop signals are log lines while the console shows them, else plain (UserLines).
        builder.Services.TryAddSingleton(sp => new UserLines(sp.GetRequiredService<IConfiguration>()));

        builder.Services.AddSingleton<ITrainingCallback>(sp => sp.GetRequiredService<TrainingRun>());
        builder.Services.AddSingleton<StartingWeights>();
        builder.Services.TryAddSingleton<IInitialWeights, ModelFileInitialWeights>();

        // Before the reports: a report the disk refuses ends the run (exit 8), and the trained model must be saved by then.
        builder.Services.AddSingleton<ModelSaver>();
        builder.Services.AddSingleton<ITrainingCallback>(sp => sp.GetRequiredService<ModelSaver>());
        builder.Services.AddSingleton<RescuePoint>();
        builder.Services.AddSingleton<ITrainingCallback>(sp => sp.GetRequiredService<RescuePoint>());

        string runsDirectory = commandLine.Option(ServeCommand.RunsOption.Name) ?? builder.Configuration[$"{RunOptions.SectionName}:{nameof(RunOptions.Directory)}"] ?? new RunOptions().Directory;

        // A value of the wrong type is reported with the other validation failures, not instead of them.
        builder.Services.Replace(ServiceDescriptor.Transient(typeof(IOptionsFactory<>), typeof(BindingErrorsAsValidationFailures<>)));
        builder.Services
            .AddScratchNetData(builder.Configuration)
            .AddScratchNetTraining(builder.Configuration)
            .AddRunReports()
            .AddSingleton(commandLine)
            .AddKeyedSingleton<ICommand, TrainCommand>("train")
            .AddKeyedSingleton<ICommand, EvaluateCommand>("evaluate")
            .AddKeyedSingleton<ICommand, PredictCommand>("predict")
            .AddKeyedSingleton<ICommand, ExportCommand>("export")
            .AddKeyedSingleton<ICommand, DiagnoseCommand>("diagnose")
            .AddKeyedSingleton<ICommand, ServeCommand>("serve")
            .AddScratchNetDashboard(new DashboardSources(
                runsDirectory,
                commandLine.Command == ServeCommand.Name ? commandLine.Option(ModelOption.Option.Name) : null)
            {
                DefaultRunsDirectory = IsDefaultRunsDirectory(runsDirectory),
                // Asked once the run has trained (its folder long chosen); a resumed run's folder may be anywhere.
                LiveRunFolder = () => trainedIn,
                Serving = commandLine.Command == ServeCommand.Name,
                Announce = results.WriteLine,
            });
        builder.Services.AddOptions<ProgressOptions>().Bind(builder.Configuration.GetSection(ProgressOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IPostConfigureOptions<TrainingOptions>, ThreadsBeyondProcessors>();
        builder.Services.AddHostedService<UnreadSettingsFile>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ScratchNet.Training.Callbacks.ITrainingCallback, ProgressBar>());
        configureServices?.Invoke(builder.Services);
        return builder;
    }

    /// <summary>What this command resumes: null (a fresh run, or not train), <see cref="RunCatalog.Latest"/>, or a checkpoint file.</summary>
    internal static string? ResumeRequest(CommandLine commandLine, IConfiguration configuration) =>
        // Only train resumes; other commands never claim (or create) the folder they are handed.
        commandLine.Command != CommandLine.DefaultCommand ? null
        : commandLine.HasOption("resume") ? commandLine.Option("resume") ?? RunCatalog.Latest
        : configuration[$"{CheckpointOptions.SectionName}:{nameof(CheckpointOptions.ResumeFrom)}"];

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

    private static int IndexOfAppSettings(ConfigurationManager configuration) =>
        ((IConfigurationBuilder)configuration).Sources.ToList().FindIndex(s => s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource);

    /// <summary>
    /// The dashboard serves <c>train</c> when asked (<c>--dashboard</c> or <c>Dashboard:Enabled</c>) and always serves
    /// <c>serve</c>; any other command never listens, so <c>predict</c> beside a training run cannot collide with its port.
    /// </summary>
    private static void AddDashboardSwitch(ConfigurationManager configuration, CommandLine commandLine)
    {
        string key = $"{DashboardOptions.SectionName}:{nameof(DashboardOptions.Enabled)}";
        bool enabled = commandLine.Command switch
        {
            ServeCommand.Name => true,
            CommandLine.DefaultCommand => commandLine.HasOption(TrainCommand.DashboardOption.Name) || ValueErrors.Get<bool>(configuration, key),
            _ => false,
        };
        configuration.AddInMemoryCollection([new(key, enabled ? "true" : "false")]);
    }

    /// <summary>
    /// Puts the recipe right after appsettings.json, so a --config file, environment variables and the
    /// command line still override it.
    /// </summary>
    private static void AddRecipe(ConfigurationManager configuration, string? recipe)
    {
        if (string.IsNullOrWhiteSpace(recipe))
        {
            return;
        }

        // Any case, as every other name: the shipped files are lower-case, and a file system may tell cases apart.
        string name = Recipes.FirstOrDefault(r => string.Equals(r, recipe.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ConfigurationFileNotFoundException($"unknown recipe '{recipe}'; valid recipes: {string.Join(", ", Recipes)} (files in config/recipes/)");
        string path = Path.Combine(RecipeDirectory, name + ".json");

        var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = path, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        configuration.Sources.Insert(IndexOfAppSettings(configuration) + 1, source);
    }
}
