using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ScratchNet.Host.Tests;

public sealed class HostStartTests
{
    // A stop the command's StopSignals answered while the dashboard bound its port cancelled the host's start, and the
    // program ended with a bare "Interrupted." after the answer "training has not begun": the command
    // now runs, its stop requested, and ends as its answer said.
    [Test]
    public async Task AStartCancelledByTheHostsOwnStop_ReturnsSoThatTheCommandEndsAsItsAnswerSaid()
    {
        using IHost host = Build(stopsTheHost: true);

        await HostStart.StartAsync(host);

        Assert.That(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, Is.True);
    }

    [Test]
    public void AStartCancelledByAnythingElse_StillFails()
    {
        using IHost host = Build(stopsTheHost: false);

        Assert.ThrowsAsync<OperationCanceledException>(() => HostStart.StartAsync(host));
    }

    private static IHost Build(bool stopsTheHost)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHostedService(sp => new CancelledWhileStarting(sp.GetRequiredService<IHostApplicationLifetime>(), stopsTheHost));
        return builder.Build();
    }

    private sealed class CancelledWhileStarting(IHostApplicationLifetime lifetime, bool stopsTheHost) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (stopsTheHost)
            {
                // As a stop signal does through StopSignals: the host's start token is linked to ApplicationStopping.
                lifetime.StopApplication();
                cancellationToken.ThrowIfCancellationRequested();
            }

            throw new OperationCanceledException("a start cancelled by something else");
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
