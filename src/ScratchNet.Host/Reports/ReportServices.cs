using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Host.Runs;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Reports;

namespace ScratchNet.Host.Reports;

public static class ReportServices
{
    /// <summary>
    /// Registers the Reports options, the run folder and the report callbacks, after the epoch logger:
    /// augmented.png when training starts with augmentation on, history.csv/json (and TensorBoard's event files when
    /// enabled) each epoch, then metrics.json and the PNG charts when training ends. TryAdd, so a test or experiment
    /// can replace them.
    /// </summary>
    /// <remarks>The <see cref="RunFolder"/> itself is registered by <see cref="ScratchNetHost"/>: it depends on --resume.</remarks>
    public static IServiceCollection AddRunReports(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ReportsOptions>().BindConfiguration(ReportsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportsOptions>, ReportsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, HistoryWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, MetricsWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, TensorBoardWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, PlotWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, AugmentationPreview>());
        return services;
    }
}
