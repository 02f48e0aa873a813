using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Formatting.Compact;
using ScratchNet.Data;
using ScratchNet.Host.Commands;
using ScratchNet.Training;

namespace ScratchNet.Host;

/// <summary>Builds the generic host: configuration sources, Serilog, and every project's services.</summary>
public static class ScratchNetHost
{
    /// <summary>The prefix of environment variables that override configuration, e.g. SCRATCHNET_Training__Epochs=5.</summary>
    public const string EnvironmentPrefix = "SCRATCHNET_";

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
            .AddSingleton(commandLine)
            .AddKeyedSingleton<ICommand, TrainCommand>("train");
        configureServices?.Invoke(builder.Services);
        return builder;
    }
}
