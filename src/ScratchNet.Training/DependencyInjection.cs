using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Optimizers;
using ScratchNet.Training.Options;
using ScratchNet.Training.Schedules;

namespace ScratchNet.Training;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the trainer, the configured network factory, optimizer and schedule, and the callbacks
    /// (epoch logger, NaN/Inf guard, early stopping, checkpoints).
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OptimizerOptions>, OptimizerOptionsValidator>());

        services.AddOptions<ScheduleOptions>().Bind(configuration.GetSection(ScheduleOptions.SectionName)).ValidateOnStart();
        services.AddOptions<CheckpointOptions>().Bind(configuration.GetSection(CheckpointOptions.SectionName)).ValidateOnStart();
        services.AddOptions<EarlyStoppingOptions>().Bind(configuration.GetSection(EarlyStoppingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CheckpointOptions>, CheckpointOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EarlyStoppingOptions>, EarlyStoppingOptionsValidator>());

        services.TryAddSingleton<INetworkFactory, NetworkFactory>();
        services.TryAddSingleton<TrainingStart>();
        services.TryAddSingleton<ConfigurationFingerprint>();
        services.TryAddSingleton<ILearningRateSchedule>(sp => new LearningRateSchedule(
            sp.GetRequiredService<IOptions<ScheduleOptions>>().Value, sp.GetRequiredService<IOptions<TrainingOptions>>().Value.Epochs));
        services.TryAddSingleton<IOptimizer>(sp => OptimizerFactory.Create(sp.GetRequiredService<IOptions<OptimizerOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, EpochLogger>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, StartupTimer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, TrailingLayersWarning>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, NoParametersWarning>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, AdamWWithoutDecayWarning>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, NotLearningHint>());

        // Order matters: the guard throws before anything can checkpoint ruined weights, and early
        // stopping restores the best weights before the final checkpoint is written.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, NonFiniteLossGuard>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, EarlyStopping>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, CheckpointCallback>());
        services.TryAddSingleton<ITrainer, Trainer>();
        services.TryAddSingleton<Diagnostics.DiagnosticsRunner>();
        return services;
    }
}
