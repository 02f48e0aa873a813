using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Moq;
using ScratchNet.Data;

namespace ScratchNet.Host.Tests.Support;

/// <summary>The real host, built as Program.cs builds it, with the dataset provider replaced by a mock.</summary>
internal static class TestHost
{
    /// <param name="args">The command line, e.g. <c>train --Training:Epochs=2</c>.</param>
    /// <param name="dataset">What the mocked provider returns; null: the real provider stays.</param>
    /// <param name="configureServices">Runs last, e.g. to add a training callback.</param>
    public static IHost Build(string[] args, Dataset? dataset, Action<IServiceCollection>? configureServices = null)
    {
        HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(args, services =>
        {
            if (dataset is not null)
            {
                var provider = new Mock<IDatasetProvider>();
                provider.Setup(p => p.LoadAsync(It.IsAny<CancellationToken>())).ReturnsAsync(dataset);
                services.Replace(ServiceDescriptor.Singleton(provider.Object));
            }

            configureServices?.Invoke(services);
        });
        return builder.Build();
    }
}
