using ScratchNet.Files;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ScratchNet.Host.Runs;

/// <summary>
/// The run's structured log, <c>log.clef</c> in the run folder. It is a sink from the start, but writes a file only once
/// <see cref="Open"/> is called, which <c>train</c> does after its outputs passed the pre-flight check: every other
/// command, <c>--help</c> and a run stopped by bad configuration log to the console only and leave no folder behind.
/// Events from before <see cref="Open"/> (start-up, validation) are kept in memory, at most <see cref="BufferLimit"/>,
/// and written first.
/// </summary>
public sealed class RunLog : ILogEventSink, IDisposable
{
    public const string FileName = "log.clef";

    public const int BufferLimit = 10_000;

    private readonly object _gate = new();
    private readonly List<LogEvent> _early = [];
    private Logger? _file;

    /// <summary>The file being written, or null before <see cref="Open"/>.</summary>
    public string? Path { get; private set; }

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            if (_file is not null)
            {
                _file.Write(logEvent);
            }
            else if (_early.Count < BufferLimit)
            {
                _early.Add(logEvent);
            }
        }
    }

    /// <summary>Starts writing to <c>log.clef</c> in <paramref name="folder"/> (appending, so a resumed run's log continues).</summary>
    public void Open(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        lock (_gate)
        {
            if (_file is not null)
            {
                return;
            }

            Path = System.IO.Path.Combine(folder, FileName);
            SeparateFromHardLinks(Path);
            _file = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.File(new CompactJsonFormatter(), Path).CreateLogger();
            foreach (LogEvent early in _early)
            {
                _file.Write(early);
            }

            _early.Clear();
        }
    }

    // A run folder copied with hard links (cp -al, snapshot backups) shares its log with the original, which the other files
    // never do (each is replaced by a rename): appending would write this session into both. The copy gets a file of its own.
    private static void SeparateFromHardLinks(string path)
    {
        if (FileIdentity.LinkCount(path) is not > 1)
        {
            return;
        }

        try
        {
            AtomicFile.WriteAllBytes(path, File.ReadAllBytes(path), createFolder: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FileWriteException)
        {
            // Then it appends to the shared file, as before: a log mixed with the original's, nothing lost.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            try
            {
                _file?.Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The last events are flushed here, when the process is ending and no logger is left to report a full
                // disk: say it where the user reads, rather than crash on the way out.
                Console.Error.WriteLine($"Could not finish writing {Path}: {e.Message}; its last lines are lost (the console showed them).");
            }

            _file = null;
            _early.Clear();
        }
    }
}
