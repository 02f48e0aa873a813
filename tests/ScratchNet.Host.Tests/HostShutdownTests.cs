using Microsoft.Extensions.Hosting;
using Moq;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ScratchNet.Host.Tests;

public class HostShutdownTests
{
    [Test]
    public async Task AStopThatRunsOutOfMemory_AfterTheCommandFinished_IsOneWarning_NotAFailure()
    {
        // Under ulimit -v the host's stop could not start its timer thread after a run had finished and saved its model;
        // the OutOfMemoryException reached the top level as "Ran out of memory … make the network smaller", exit 2.
        var host = new Mock<IHost>();
        host.Setup(h => h.StopAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new OutOfMemoryException());
        var events = new List<LogEvent>();
        using Logger log = new LoggerConfiguration().WriteTo.Sink(new ListSink(events)).CreateLogger();

        bool stopped = await HostShutdown.StopAsync(host.Object, log);

        Assert.That(stopped, Is.False);
        Assert.That(events.Select(e => (e.Level, e.RenderMessage())), Is.EqualTo(new[]
        {
            (LogEventLevel.Warning, "Could not stop cleanly after the command finished: out of memory (a process limit such as ulimit -v or a container's); its result stands"),
        }));
    }

    [Test]
    public async Task AStopThatWorks_SaysNothing()
    {
        var host = new Mock<IHost>();
        var events = new List<LogEvent>();
        using Logger log = new LoggerConfiguration().WriteTo.Sink(new ListSink(events)).CreateLogger();

        Assert.That(await HostShutdown.StopAsync(host.Object, log), Is.True);
        Assert.That(events, Is.Empty);
        host.Verify(h => h.StopAsync(It.IsAny<CancellationToken>()), Times.Once);
    }

    private sealed class ListSink(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => events.Add(logEvent);
    }
}
