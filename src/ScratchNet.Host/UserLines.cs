using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace ScratchNet.Host;

/// <summary>
/// The lines a user must read whatever the Serilog settings: why a command failed, predict's refusal of an image, the
/// answer to a stop signal and the command that resumes the run. They are log events while the console log shows them
/// word for word (the default); where it would not, they are written plain on stderr instead. A level above theirs
/// (<c>Serilog:MinimumLevel:Default=Fatal</c>, for quiet runs), a console sink restricted above it, or an output template
/// without <c>{Message}</c> hid them and left only the exit code; a template whose <c>{Message}</c> lacks <c>:l</c> put
/// them in quotes. One place decides, so no caller prints a line twice or not at all. <c>train</c>'s results (where its model
/// went, in its run folder, and its final score) are such lines too, at level Information and on stdout: at
/// <c>Serilog:MinimumLevel:Default=Warning</c> a training printed nothing at all, not even where the model went.
/// </summary>
public sealed partial class UserLines
{
    /// <summary>Serilog's console sink's template when the configuration gives none.</summary>
    private const string DefaultConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    private readonly TextWriter? _error;
    private readonly TextWriter? _output;

    // The lowest level a console sink writes a message at word for word; above Fatal: none does.
    private readonly LogEventLevel _verbatimFrom;

    /// <param name="configuration">The configuration Serilog reads its <c>Serilog:WriteTo</c> sinks from.</param>
    /// <param name="error">Where a plain line goes; null: <see cref="Console.Error"/> as it is at each write.</param>
    /// <param name="output">Where a plain result goes (<see cref="WriteResult"/>); null: <see cref="Console.Out"/> as it is at each write.</param>
    public UserLines(IConfiguration configuration, TextWriter? error = null, TextWriter? output = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _error = error;
        _output = output;
        _verbatimFrom = configuration.GetSection("Serilog:WriteTo").GetChildren()
            .Select(VerbatimFrom).DefaultIfEmpty(LogEventLevel.Fatal + 1).Min();
    }

    private UserLines(LogEventLevel verbatimFrom) => _verbatimFrom = verbatimFrom;

    /// <summary>Every line a log event, as the logger allows: for a command made without the host (a unit test's), whose logger is all there is.</summary>
    public static UserLines Logged { get; } = new(LogEventLevel.Verbose);

    /// <summary>Whether a console sink writes a <paramref name="level"/> event's message as it is, unquoted.</summary>
    public bool ConsoleShows(LogEventLevel level) => level >= _verbatimFrom;

    /// <summary>
    /// Logs with <paramref name="log"/> (the caller's one source message, a <c>[LoggerMessage]</c> method, which the run's
    /// log.clef keeps) where the console shows an event of its level as it is, else writes the same message plain on stderr,
    /// rendered from that template as the console would show it. The plain line and the log event were two texts a caller
    /// kept in step by hand.
    /// </summary>
    public void Write(ILogger logger, Action<ILogger> log)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(log);
        RenderedLine line = RenderedLine.Of(log);
        if (logger.IsEnabled(line.Level) && ConsoleShows(ToSerilog(line.Level)))
        {
            log(logger);
        }
        else
        {
            WritePlain(line.Text);
        }
    }

    /// <summary>As <see cref="Write(ILogger, Action{ILogger})"/> for a message that is its own template, through Serilog's own logger (Program's, once the host is gone).</summary>
    public void Write(Serilog.ILogger logger, LogEventLevel level, string line)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(line);
        if (logger.IsEnabled(level) && ConsoleShows(level))
        {
            logger.Write(level, "{Message}", line);
        }
        else
        {
            WritePlain(line);
        }
    }

    /// <summary>
    /// A result of a command whose results are its files (<c>train</c>): logged at Information with <paramref name="log"/>
    /// where the console shows such an event as it is, else the same message written plain on stdout, as other commands'
    /// results are.
    /// </summary>
    public void WriteResult(ILogger logger, Action<ILogger> log)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(log);
        if (logger.IsEnabled(LogLevel.Information) && ConsoleShows(LogEventLevel.Information))
        {
            log(logger);
        }
        else
        {
            WritePlain(RenderedLine.Of(log).Text, _output ?? Console.Out);
        }
    }

    private void WritePlain(string line) => WritePlain(line, _error ?? Console.Error);

    private static void WritePlain(string line, TextWriter writer)
    {
        writer.WriteLine(line);
        writer.Flush();
    }

    // WriteTo:0 = "Console", or WriteTo:0:Name = "Console" with its Args; another sink (a file) is no console.
    private static LogEventLevel VerbatimFrom(IConfigurationSection sink)
    {
        string? name = sink.Value is { Length: > 0 } value ? value : sink["Name"];
        if (!string.Equals(name, "Console", StringComparison.OrdinalIgnoreCase))
        {
            return LogEventLevel.Fatal + 1;
        }

        IConfigurationSection args = sink.GetSection("Args");
        LogEventLevel from = Enum.TryParse(args["restrictedToMinimumLevel"], ignoreCase: true, out LogEventLevel restricted) ? restricted : LogEventLevel.Verbose;

        // A formatter (JSON for a log collector) writes every message, in the form that reader asked for.
        return args["formatter"] is { Length: > 0 } || ShowsMessageAsIs(args["outputTemplate"] ?? DefaultConsoleTemplate) ? from : LogEventLevel.Fatal + 1;
    }

    /// <summary>Whether <paramref name="template"/> has <c>{Message}</c> with the literal format (<c>:l</c>, <c>:lj</c>), which leaves strings unquoted.</summary>
    internal static bool ShowsMessageAsIs(string template) =>
        MessageToken().Matches(template).Any(m => m.Groups["format"].Value.Contains('l', StringComparison.Ordinal));

    private static LogEventLevel ToSerilog(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };

    [GeneratedRegex(@"\{Message(,-?\d+)?(:(?<format>[^}]*))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex MessageToken();
}
