using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moq;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Runs;

namespace ScratchNet.Host.Tests.Runs;

/// <summary>
/// A stop signal in the first tenths of a second, before the host has handlers, is answered with a line and ends the
/// program before its command (it ended the process with exit 130 and no line); from the hand-over on the host answers.
/// </summary>
public sealed class StartupSignalsTests
{
    [Test]
    public void ASignalDuringTheStart_IsAnsweredOnce_AndKeepsTheProcessToEndItsStart()
    {
        var error = new StringWriter();
        using var signals = new StartupSignals(error);
        var first = new PosixSignalContext(PosixSignal.SIGINT);
        var second = new PosixSignalContext(PosixSignal.SIGTERM);

        signals.Answer(first, "Ctrl+C");
        signals.Answer(second, "SIGTERM");

        Assert.That(first.Cancel && second.Cancel, Is.True, "the runtime's default would end the process with no line");
        Assert.That(signals.Signalled, Is.True, "the command must not run");
        Assert.That(error.ToString(), Is.EqualTo($"Stopping (Ctrl+C): the command has not started yet and will not; it exits now{Environment.NewLine}"));
    }

    [Test]
    public void AfterTheHandOver_TheSignalIsTheHosts()
    {
        var error = new StringWriter();
        using var signals = new StartupSignals(error);
        var context = new PosixSignalContext(PosixSignal.SIGINT);

        signals.HandOver();
        signals.Answer(context, "Ctrl+C");

        Assert.That(context.Cancel, Is.False, "the host's console lifetime decides");
        Assert.That(signals.Signalled, Is.False);
        Assert.That(error.ToString(), Is.Empty);
    }

    [TestCase(true, 0)]
    [TestCase(false, 1)]
    public void TheHostAnswersASignal_UnlessTheStartAnsweredOneAlready(bool signalledDuringTheStart, int lines)
    {
        using var signals = new StartupSignals(TextWriter.Null);
        if (signalledDuringTheStart)
        {
            signals.Answer(new PosixSignalContext(PosixSignal.SIGINT), "Ctrl+C");
        }

        var logger = new Mock<ILogger<StopSignals>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        using var stop = new StopSignals(Mock.Of<IHostApplicationLifetime>(), CommandLine.Parse(["predict"]), Mock.Of<IServiceProvider>(), logger.Object, signals);

        stop.Acknowledge("Ctrl+C");
        stop.Acknowledge("Ctrl+C");

        Assert.That(logger.Invocations.Count(i => i.Method.Name == nameof(ILogger.Log)), Is.EqualTo(lines));
    }

    [Test]
    public async Task TheHostsHandlers_TakeOverOnceRegistered()
    {
        var error = new StringWriter();
        using var signals = new StartupSignals(error);
        using var stop = new StopSignals(Mock.Of<IHostApplicationLifetime>(), CommandLine.Parse(["predict"]), Mock.Of<IServiceProvider>(), Mock.Of<ILogger<StopSignals>>(), signals);

        await stop.StartAsync(CancellationToken.None);
        var context = new PosixSignalContext(PosixSignal.SIGINT);
        signals.Answer(context, "Ctrl+C");

        Assert.That(context.Cancel || signals.Signalled, Is.False);
        Assert.That(error.ToString(), Is.Empty);
    }
}
