using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScratchNet.Files;
using ScratchNet.Host.Settings;
using ScratchNet.Host.Runs;
using ScratchNet.Training.Options;
using ScratchNet.Dashboard.Options;
using ScratchNet.Host.Commands;

namespace ScratchNet.Host;

/// <summary>Builds the generic host: its configuration sources, then every service (<see cref="DependencyInjection.AddScratchNetHost"/>).</summary>
public static class ScratchNetHost
{
    /// <summary>
    /// The prefix of environment variables that override configuration, e.g. SCRATCHNET_Training__Epochs=5; the tests' and
    /// tools' own variables are SCRATCHNET_TEST_… (<see cref="UserSources.ReservedPrefix"/>), which configuration never reads.
    /// </summary>
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
                InputFile.Check(path, MaxConfigurationFileBytes, "--config");
            }
            catch (InputFileException e)
            {
                throw new ConfigurationFileNotFoundException($"{e.Message}; give the path of a JSON file such as config/appsettings.json");
            }

            ConfigurationFileEncoding.Check(path);
            builder.Configuration.AddUserJsonFile(path);
        }

        builder.Configuration.AddUserEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddUserCommandLine([.. commandLine.ConfigurationArguments]);

        // Before any path is used (Run:Directory below, to find the run to resume): one only a shell could resolve is refused.
        if (PathSettings.Problems(builder.Configuration) is { Count: > 0 } pathProblems)
        {
            throw new ConfigurationException(pathProblems);
        }

        AddRecipe(builder.Configuration, commandLine.Option("recipe") ?? builder.Configuration[RecipeKey]);
        string? resume = ResumeRequest(commandLine, builder.Configuration);
        string checkpointsSetting = builder.Configuration[$"{CheckpointOptions.SectionName}:{nameof(CheckpointOptions.Directory)}"] ?? new CheckpointOptions().Directory;
        RunFolder? chosen = null;
        string runs = builder.Configuration[$"{RunOptions.SectionName}:{nameof(RunOptions.Directory)}"] ?? new RunOptions().Directory;
        if (string.Equals(resume, RunFolderSelection.Latest, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(runs))
        {
            // Chosen and claimed at once, before the checkpoint's settings are read: a train --resume started beside
            // another one takes the next interrupted run instead of failing on the same one. (An empty Run:Directory is
            // left to the options' validation, which says so in one line.)
            chosen = RunFolderSelection.ClaimLatestInterrupted(runs, checkpointsSetting);
            resume = chosen?.ResumeCheckpoint ?? resume;
        }
        else if (!string.IsNullOrWhiteSpace(resume) && !string.Equals(resume, RunFolderSelection.Latest, StringComparison.OrdinalIgnoreCase))
        {
            resume = RunFolderSelection.ResumeTarget(resume, runs);

            // A run folder continues in that folder, wherever it is, from its newest resume point.
            chosen = RunFolderSelection.RunAt(resume, checkpointsSetting);
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

        builder.Services.AddScratchNetHost(builder.Configuration, commandLine, chosen, resume, checkpointsSetting);
        configureServices?.Invoke(builder.Services);
        return builder;
    }

    /// <summary>What this command resumes: null (a fresh run, or not train), <see cref="RunFolderSelection.Latest"/>, or a checkpoint file.</summary>
    internal static string? ResumeRequest(CommandLine commandLine, IConfiguration configuration) =>
        // Only train resumes; other commands never claim (or create) the folder they are handed.
        commandLine.Command != CommandLine.DefaultCommand ? null
        : commandLine.HasOption("resume") ? commandLine.Option("resume") ?? RunFolderSelection.Latest
        : configuration[$"{CheckpointOptions.SectionName}:{nameof(CheckpointOptions.ResumeFrom)}"];

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
