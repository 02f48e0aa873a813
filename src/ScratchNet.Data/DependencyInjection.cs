using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScratchNet.Data.Augmentation;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;

namespace ScratchNet.Data;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the data layer: <see cref="DataOptions"/> bound from the <c>Data</c> section and
    /// <see cref="AugmentationOptions"/> from <c>Data:Augment</c>, both validated at start-up,
    /// the source chain, the cache and <see cref="IDatasetProvider"/> (loading once per process: see
    /// <see cref="LoadOnceDatasetProvider"/>). Every registration is TryAdd, so an experiment
    /// can register its own provider or sources first.
    /// </summary>
    public static IServiceCollection AddScratchNetData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(DataOptions.SectionName);
        services.AddOptions<DataOptions>()
            .Bind(section)
            .PostConfigure(options =>
            {
                // The binder appends configured array items to the defaults; configured mirrors must replace them.
                string[]? mirrors = section.GetSection(nameof(DataOptions.Mirrors)).Get<string[]>();
                if (mirrors is not null)
                {
                    options.Mirrors = mirrors;
                }
                else if (DatasetCatalog.Find(options.Dataset) is { } dataset)
                {
                    // Unconfigured, each dataset uses its own public copies (the property's defaults are MNIST's).
                    options.Mirrors = [.. dataset.DefaultMirrors];
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataOptions>, DataOptionsValidator>());
        services.AddOptions<AugmentationOptions>().Bind(configuration.GetSection(AugmentationOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AugmentationOptions>, AugmentationOptionsValidator>());
        services.TryAddSingleton(sp => DataSourceChain.FromOptions(
            sp.GetRequiredService<IOptions<DataOptions>>().Value,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.TryAddSingleton(sp =>
        {
            DataOptions options = sp.GetRequiredService<IOptions<DataOptions>>().Value;
            return new DatasetCache(
                CacheLocation.DatasetDirectory(options.CacheDirectory, options.Dataset),
                sp.GetRequiredService<DataSourceChain>().Sources,
                sp.GetService<ILogger<DatasetCache>>() ?? NullLogger<DatasetCache>.Instance,
                CacheLocation.Origin(options.CacheDirectory),
                CacheLocation.SharedTempRoot(options.CacheDirectory));
        });
        services.TryAddSingleton<IDatasetProvider>(sp => new LoadOnceDatasetProvider(new IdxDatasetProvider(
            sp.GetRequiredService<IOptions<DataOptions>>(),
            sp.GetRequiredService<DatasetCache>(),
            sp.GetService<ILogger<IdxDatasetProvider>>() ?? NullLogger<IdxDatasetProvider>.Instance)));
        return services;
    }
}
