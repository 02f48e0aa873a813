using Microsoft.Extensions.Hosting;

namespace ScratchNet.Host.Runs;

/// <summary>
/// The host's lifetime where <see cref="StartupSignals"/> and <see cref="StopSignals"/> answer the stop signals. The
/// console lifetime registers handlers of its own as the host starts; each signal then had two answers, and the console
/// lifetime's stopped the host without a word: during the start before the start's answer, afterwards before the command's.
/// </summary>
internal sealed class SignalsLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
