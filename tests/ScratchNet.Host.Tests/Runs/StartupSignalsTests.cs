using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moq;
using ScratchNet.Core.Random;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests.Runs;

/// <summary>
/// The process's one handler of stop signals: during the start it answers with a line and the program ends before its
/// command (the runtime's default ended the process with exit 130 and no line); from the hand-over on it hands every
/// signal to the host's <see cref="StopSignals"/>, so no signal falls between two handlers and goes unanswered.
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
    public void AfterTheHandOver_TheHostAnswersTheSignal_AndStops()
    {
        // The runtime hands a signal to the registrations there were when it came: with the host's own registered later,
        // one that came just before them reached only the start's handler, which had handed over, and no one answered.
        var error = new StringWriter();
        using var signals = new StartupSignals(error);
        var lifetime = new Mock<IHostApplicationLifetime>();
        (StopSignals stop, Mock<ILogger<StopSignals>> logger) = Host(signals, lifetime.Object);
        var context = new PosixSignalContext(PosixSignal.SIGINT);

        Assert.That(signals.HandOver(stop), Is.True);
        signals.Answer(context, "Ctrl+C");

        Assert.That(context.Cancel, Is.True, "the command stops; the process is not killed");
        Assert.That(signals.Signalled, Is.False, "the command runs, and stops");
        Assert.That(error.ToString(), Is.Empty, "the host answers, not the start");
        Assert.That(Answers(logger), Is.EqualTo(1));
        lifetime.Verify(l => l.StopApplication(), Times.Once);
        stop.Dispose();
    }

    [Test]
    public void TheHandOver_IsRefusedAfterASignalDuringTheStart()
    {
        using var signals = new StartupSignals(TextWriter.Null);
        signals.Answer(new PosixSignalContext(PosixSignal.SIGTERM), "SIGTERM");

        (StopSignals stop, _) = Host(signals, Mock.Of<IHostApplicationLifetime>());

        Assert.That(signals.HandOver(stop), Is.False, "the start answered it: the command must not run");
        Assert.That(signals.Signalled, Is.True);
        stop.Dispose();
    }

    [Test]
    public void ASignalAtTheMomentOfTheHandOver_IsAnsweredOnce_ByTheStartOrByTheHost()
    {
        // No timing: each round races one signal against the hand-over, and whichever wins, exactly one answer is given
        // and the outcome agrees with it (the command does not run, or it runs and is told to stop).
        var rng = new Xoshiro256(2026);
        for (int round = 0; round < 300; round++)
        {
            // Spread over the moments around the hand-over, so that both sides win some rounds.
            int signalSpin = rng.NextInt(4000);
            int handOverSpin = rng.NextInt(4000);
            var error = new StringWriter();
            using var signals = new StartupSignals(error);
            var lifetime = new Mock<IHostApplicationLifetime>();
            (StopSignals stop, Mock<ILogger<StopSignals>> logger) = Host(signals, lifetime.Object);
            using var go = new Barrier(2);
            var context = new PosixSignalContext(PosixSignal.SIGINT);
            var signal = Task.Run(() =>
            {
                go.SignalAndWait();
                Thread.SpinWait(signalSpin);
                signals.Answer(context, "Ctrl+C");
            });

            go.SignalAndWait();
            Thread.SpinWait(handOverSpin);
            bool handedOver = signals.HandOver(stop);
            signal.Wait();

            int lines = (error.ToString().Length > 0 ? 1 : 0) + Answers(logger);
            Assert.That(lines, Is.EqualTo(1), $"round {round}: one answer");
            Assert.That(context.Cancel, Is.True, $"round {round}: never the runtime's default");
            Assert.That(handedOver, Is.Not.EqualTo(signals.Signalled), $"round {round}: the command runs only if the host answered");
            lifetime.Verify(l => l.StopApplication(), handedOver ? Times.Once : Times.Never, $"round {round}");
            stop.Dispose();
        }
    }

    [Test]
    public void OnceTheHostIsGone_ASignalHasTheRuntimesDefault()
    {
        using var signals = new StartupSignals(TextWriter.Null);
        var lifetime = new Mock<IHostApplicationLifetime>();
        (StopSignals stop, _) = Host(signals, lifetime.Object);
        signals.HandOver(stop);

        stop.Dispose();
        var context = new PosixSignalContext(PosixSignal.SIGINT);
        signals.Answer(context, "Ctrl+C");

        Assert.That(context.Cancel, Is.False);
        lifetime.Verify(l => l.StopApplication(), Times.Never);
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

        (StopSignals stop, Mock<ILogger<StopSignals>> logger) = Host(signals, Mock.Of<IHostApplicationLifetime>());

        stop.Acknowledge("Ctrl+C");
        stop.Acknowledge("Ctrl+C");

        Assert.That(Answers(logger), Is.EqualTo(lines));
        stop.Dispose();
    }

    [Test]
    public async Task TheHostTakesOverAsItStarts()
    {
        var error = new StringWriter();
        using var signals = new StartupSignals(error);
        var lifetime = new Mock<IHostApplicationLifetime>();
        (StopSignals stop, Mock<ILogger<StopSignals>> logger) = Host(signals, lifetime.Object);

        await stop.StartAsync(CancellationToken.None);
        signals.Answer(new PosixSignalContext(PosixSignal.SIGINT), "Ctrl+C");

        Assert.That(signals.Signalled, Is.False);
        Assert.That(error.ToString(), Is.Empty);
        Assert.That(Answers(logger), Is.EqualTo(OperatingSystem.IsWindows() ? 0 : 1));
        stop.Dispose();
    }

    [Test]
    public void TheHostHasNoSecondHandlerOfItsOwn()
    {
        // The console lifetime's handlers stopped the host without a word, before the answer (see SignalsLifetime).
        using IHost host = TestHost.Build(["predict"], null);

        Assert.That(host.Services.GetRequiredService<IHostLifetime>(), OperatingSystem.IsWindows() ? Is.Not.InstanceOf<SignalsLifetime>() : Is.InstanceOf<SignalsLifetime>());
    }

    private static (StopSignals Stop, Mock<ILogger<StopSignals>> Logger) Host(StartupSignals signals, IHostApplicationLifetime lifetime)
    {
        var logger = new Mock<ILogger<StopSignals>>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        return (new StopSignals(lifetime, CommandLine.Parse(["predict"]), Mock.Of<IServiceProvider>(), logger.Object, signals), logger);
    }

    private static int Answers(Mock<ILogger<StopSignals>> logger) => logger.Invocations.Count(i => i.Method.Name == nameof(ILogger.Log));
}
