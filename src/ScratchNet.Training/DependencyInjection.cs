using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;

namespace ScratchNet.Training;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the trainer, the configured network factory and optimizer, and the epoch logger.
    /// Everything is added with TryAdd (callbacks with TryAddEnumerable), so an experiment can
    /// replace any piece with <c>services.Replace(...)</c> or add callbacks of its own.
    /// </summary>
    public static IServiceCollection AddScratchNetTraining(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<TrainingOptions>().Bind(configuration.GetSection(TrainingOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.SectionName)).ValidateOnStart();
        services.AddOptions<OptimizerOptions>().Bind(configuration.GetSection(OptimizerOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrainingOptions>, TrainingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, TrainingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OptimizerOptions>, TrainingOptionsValidator>());

        services.TryAddSingleton<INetworkFactory, MlpFactory>();
        services.TryAddSingleton<IOptimizer>(sp => OptimizerFactory.Create(sp.GetRequiredService<IOptions<OptimizerOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, EpochLogger>());
        services.TryAddSingleton<ITrainer, Trainer>();
        services.TryAddSingleton<Diagnostics.DiagnosticsRunner>();
        return services;
    }
}
