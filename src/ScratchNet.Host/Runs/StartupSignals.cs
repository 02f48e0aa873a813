using System.Runtime.InteropServices;

namespace ScratchNet.Host.Runs;

/// <summary>
/// The process's one handler of stop signals (SIGINT, SIGTERM, SIGQUIT, SIGHUP), registered first thing and kept until
/// the host is gone. While the program starts (the command line parsed, the host built and its options validated: the
/// first few tenths of a second) it answers a signal itself, and the program then exits 130 instead of running the
/// command; without it the runtime's default ended the process there with no line at all. From <see cref="HandOver"/> on
/// it hands every signal to <see cref="StopSignals"/>, which answers for the command. One registration for the whole life
/// leaves no moment between two handlers: with one for the start and others for the host, a signal the runtime handed to
/// the start's handlers just before the host's were registered reached none that answered it (no line), and the host's
/// console lifetime, registered between the two, stopped the host without a word. SIGXFSZ (a file-size limit, ulimit -f)
/// is ignored from the start, so the write that passes the limit fails as a full disk does (exit 8) instead of killing the
/// process halfway through a checkpoint.
/// </summary>
public sealed class StartupSignals : IDisposable
{
    // The same number on Linux and macOS; PosixSignal names only the signals every platform shares.
    private const int FileSizeLimitExceeded = 25;

    private readonly TextWriter? _error;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Lock _gate = new();
    private StopSignals? _host;
    private bool _released;
    private bool _signalled;
    private int _answered;

    /// <param name="error">Where the answer goes; null: <see cref="Console.Error"/> as it is then.</param>
    public StartupSignals(TextWriter? error = null) => _error = error;

    /// <summary>Whether a stop signal came before <see cref="HandOver"/>: the command must not run.</summary>
    public bool Signalled
    {
        get
        {
            lock (_gate)
            {
                return _signalled;
            }
        }
    }

    /// <summary>Answers SIGINT, SIGTERM, SIGQUIT and SIGHUP from now on, and ignores SIGXFSZ.</summary>
    public static StartupSignals Install()
    {
        var signals = new StartupSignals();
        if (!OperatingSystem.IsWindows())
        {
            signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => signals.Answer(c, "Ctrl+C")));
            signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => signals.Answer(c, "SIGTERM")));
            signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => signals.Answer(c, "SIGQUIT")));
            signals._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => signals.Answer(c, "SIGHUP, the terminal closed")));
            signals._registrations.Add(PosixSignalRegistration.Create((PosixSignal)FileSizeLimitExceeded, c => c.Cancel = true));
        }

        return signals;
    }

    /// <summary>
    /// From now on <paramref name="host"/> answers every signal. Refused (false) when a signal came first: it was answered
    /// here, and the command must not run. The check and the hand-over are one step, so a signal is answered by one of the
    /// two, never by neither.
    /// </summary>
    public bool HandOver(StopSignals host)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (_gate)
        {
            if (_signalled)
            {
                return false;
            }

            _host = host;
            return true;
        }
    }

    /// <summary>The host is going away: a later signal ends the process by the runtime's default, as any program's.</summary>
    public void Release(StopSignals host)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_host, host))
            {
                _host = null;
                _released = true;
            }
        }
    }

    /// <summary>Claims the one answer a process gives: true for the first caller only.</summary>
    public bool Claim() => Interlocked.Exchange(ref _answered, 1) == 0;

    /// <summary>Answers a signal during the start; hands it to the host after the hand-over.</summary>
    internal void Answer(PosixSignalContext context, string signal)
    {
        StopSignals? host;
        lock (_gate)
        {
            if (_released)
            {
                return;
            }

            // Kept alive either way: during the start to end it before the command, afterwards for the command to stop.
            context.Cancel = true;
            host = _host;
            if (host is null)
            {
                _signalled = true;
                if (Claim())
                {
                    (_error ?? Console.Error).WriteLine($"Stopping ({signal}): the command has not started yet and will not; it exits now");
                }

                return;
            }
        }

        // Outside the lock: the host's stop runs the command's cancellation callbacks.
        host.Stop(signal);
    }

    public void Dispose() => _registrations.ForEach(r => r.Dispose());
}
