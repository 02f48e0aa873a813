using System.Runtime.InteropServices;

namespace ScratchNet.Host.Runs;

/// <summary>
/// Answers a stop signal that comes while the program starts (the command line parsed, the host built and its options
/// validated: the first few tenths of a second), before <see cref="StopSignals"/> and the host's console lifetime have
/// handlers of their own. Without it the runtime's default ended the process there with exit 130 and no line at all, where
/// a later signal is answered at once. The start goes on to its end, since nothing is written before the command runs,
/// and then the program exits 130 instead of running the command. From <see cref="HandOver"/> on the host's handlers
/// answer, and of the two only the first to see a signal writes a line.
/// </summary>
public sealed class StartupSignals : IDisposable
{
    private readonly TextWriter? _error;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _answered;
    private volatile bool _handedOver;
    private volatile bool _signalled;

    /// <param name="error">Where the answer goes; null: <see cref="Console.Error"/> as it is then.</param>
    public StartupSignals(TextWriter? error = null) => _error = error;

    /// <summary>Whether a stop signal came before <see cref="HandOver"/>: the command must not run.</summary>
    public bool Signalled => _signalled;

    /// <summary>Answers SIGINT, SIGTERM, SIGQUIT and SIGHUP from now until <see cref="HandOver"/>.</summary>
    public static StartupSignals Install()
    {
        var signals = new StartupSignals();
        if (!OperatingSystem.IsWindows())
        {
            signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => signals.Answer(c, "Ctrl+C")));
            signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => signals.Answer(c, "SIGTERM")));
            signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => signals.Answer(c, "SIGQUIT")));
            signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => signals.Answer(c, "SIGHUP, the terminal closed")));
        }

        return signals;
    }

    /// <summary>The host's own handlers are registered: they answer every signal from now on.</summary>
    public void HandOver() => _handedOver = true;

    /// <summary>Claims the one answer a process gives: true for the first caller only.</summary>
    public bool Claim() => Interlocked.Exchange(ref _answered, 1) == 0;

    /// <summary>Keeps the process alive, remembers the stop and answers the first signal, until the hand-over.</summary>
    internal void Answer(PosixSignalContext context, string signal)
    {
        // After the hand-over the default is the host's to cancel (a signal after the host stopped ends the process, as before).
        if (_handedOver)
        {
            return;
        }

        context.Cancel = true;
        _signalled = true;
        if (Claim())
        {
            (_error ?? Console.Error).WriteLine($"Stopping ({signal}): the command has not started yet and will not; it exits now");
        }
    }

    public void Dispose() => _registrations.ForEach(r => r.Dispose());
}
