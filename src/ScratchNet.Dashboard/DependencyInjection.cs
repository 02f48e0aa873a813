using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;
using ScratchNet.Training.Callbacks;

namespace ScratchNet.Dashboard;

public static class DependencyInjection
{
    /// <summary>
    /// Registers <see cref="DashboardOptions"/> (section <c>Dashboard</c> of <paramref name="configuration"/>, validated at start), the live feed and the
    /// training callback that fills it (idle unless <c>Dashboard:Enabled</c>), and the server, which listens only
    /// when enabled. <paramref name="sources"/> says which runs folder and model file the pages may read.
    /// </summary>
    public static IServiceCollection AddScratchNetDashboard(this IServiceCollection services, IConfiguration configuration, DashboardSources sources)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sources);
        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection(DashboardOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>());
        services.TryAddSingleton(sources);
        services.TryAddSingleton<LiveFeed>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingCallback, DashboardCallback>());
        services.TryAddSingleton<DashboardServer>();
        services.AddHostedService(sp => sp.GetRequiredService<DashboardServer>());
        return services;
    }
}
