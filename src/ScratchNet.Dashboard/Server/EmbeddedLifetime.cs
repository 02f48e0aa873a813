using Microsoft.Extensions.Hosting;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// The dashboard's web application's lifetime: it runs inside the program's host, which answers the stop signals and
/// stops it. The default console lifetime registered SIGINT, SIGTERM and SIGQUIT handlers of its own as the server started:
/// a Ctrl+C while it bound its port cancelled the bind before the program had answered the signal, and
/// <c>train --dashboard</c> ended with a bare "Interrupted." above its answer "training has not begun …".
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
