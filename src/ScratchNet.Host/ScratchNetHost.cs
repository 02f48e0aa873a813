using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Formatting.Compact;
using ScratchNet.Dashboard;
using ScratchNet.Dashboard.Options;
using ScratchNet.Data;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Models;
using ScratchNet.Host.Reports;
using ScratchNet.Training;
using ScratchNet.Training.Callbacks;

namespace ScratchNet.Host;

/// <summary>Builds the generic host: configuration sources, Serilog, and every project's services.</summary>
public static class ScratchNetHost
{
    /// <summary>The prefix of environment variables that override configuration, e.g. SCRATCHNET_Training__Epochs=5.</summary>
    public const string EnvironmentPrefix = "SCRATCHNET_";

    /// <summary>The configuration key (or <c>--recipe NAME</c>) naming a file of config/recipes/ to layer over appsettings.json.</summary>
    public const string RecipeKey = "Recipe";

    /// <summary>The recipes shipped in config/recipes/, by name.</summary>
    public static IReadOnlyList<string> Recipes =>
        Directory.Exists(RecipeDirectory)
            ? Directory.EnumerateFiles(RecipeDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray()
            : [];

    private static string RecipeDirectory => Path.Combine(AppContext.BaseDirectory, "config", "recipes");

    /// <param name="args">The whole command line, e.g. <c>train --Training:Epochs=5</c> (see <see cref="CommandLine"/>).</param>
    /// <param name="configureServices">Runs last, so an experiment or a test can replace any service.</param>
    public static HostApplicationBuilder CreateBuilder(string[] args, Action<IServiceCollection>? configureServices = null) =>
        CreateBuilder(CommandLine.Parse(args), configureServices);

    /// <param name="commandLine">The parsed command line; only its configuration overrides reach the configuration.</param>
    /// <param name="configureServices">Runs last, so an experiment or a test can replace any service.</param>
    public static HostApplicationBuilder CreateBuilder(CommandLine commandLine, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });

        // Later sources win: the reference recipe, a --config file, environment variables, the command line.
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json"), optional: false, reloadOnChange: false);
        if (commandLine.Option("config") is { } configFile)
        {
            string path = Path.GetFullPath(configFile);
            if (!File.Exists(path))
            {
                throw new ConfigurationFileNotFoundException($"the configuration file {path} (from --config) does not exist; give the path of a JSON file such as config/appsettings.json");
            }

            builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine([.. commandLine.ConfigurationArguments]);
        AddRecipe(builder.Configuration, commandLine.Option("recipe") ?? builder.Configuration[RecipeKey]);
        AddDashboardSwitch(builder.Configuration, commandLine);

        builder.Services.AddOptions<RunOptions>().Bind(builder.Configuration.GetSection(RunOptions.SectionName));
        string runDirectory = Path.Combine(
            builder.Configuration[$"{RunOptions.SectionName}:{nameof(RunOptions.Directory)}"] ?? new RunOptions().Directory,
            DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.File(new CompactJsonFormatter(), Path.Combine(runDirectory, "log.clef")));

        // A value of the wrong type is reported with the other validation failures, not instead of them.
        builder.Services.Replace(ServiceDescriptor.Transient(typeof(IOptionsFactory<>), typeof(BindingErrorsAsValidationFailures<>)));
        builder.Services
            .AddScratchNetData(builder.Configuration)
            .AddScratchNetTraining(builder.Configuration)
            .AddRunReports(runDirectory)
            .AddSingleton(commandLine)
            .AddKeyedSingleton<ICommand, TrainCommand>("train")
            .AddKeyedSingleton<ICommand, EvaluateCommand>("evaluate")
            .AddKeyedSingleton<ICommand, PredictCommand>("predict")
            .AddKeyedSingleton<ICommand, ExportCommand>("export")
            .AddKeyedSingleton<ICommand, DiagnoseCommand>("diagnose")
            .AddKeyedSingleton<ICommand, ServeCommand>("serve")
            .AddScratchNetDashboard(new DashboardSources(
                commandLine.Option(ServeCommand.RunsOption.Name) ?? builder.Configuration[$"{RunOptions.SectionName}:{nameof(RunOptions.Directory)}"] ?? new RunOptions().Directory,
                commandLine.Command == ServeCommand.Name ? commandLine.Option(ModelOption.Option.Name) : null));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, ModelSaver>());
        builder.Services.AddOptions<ProgressOptions>().Bind(builder.Configuration.GetSection(ProgressOptions.SectionName));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ScratchNet.Training.Callbacks.ITrainingCallback, ProgressBar>());
        configureServices?.Invoke(builder.Services);
        return builder;
    }

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
            CommandLine.DefaultCommand => commandLine.HasOption(TrainCommand.DashboardOption.Name) || configuration.GetValue<bool>(key),
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

        string path = Path.Combine(RecipeDirectory, recipe + ".json");
        if (recipe.IndexOfAny(['/', '\\', '.']) >= 0 || !File.Exists(path))
        {
            throw new ConfigurationFileNotFoundException($"unknown recipe '{recipe}'; valid recipes: {string.Join(", ", Recipes)} (files in config/recipes/)");
        }

        var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = path, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        int appsettings = configuration.Sources.ToList().FindIndex(s => s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource);
        configuration.Sources.Insert(appsettings + 1, source);
    }
}
