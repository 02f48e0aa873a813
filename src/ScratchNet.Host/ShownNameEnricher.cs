using ScratchNet.Files;
using Serilog.Core;
using Serilog.Events;

namespace ScratchNet.Host;

/// <summary>
/// Quotes every log event's string value that holds a line break, an escape sequence or another character a terminal
/// acts on (<see cref="ShownName.Safe"/>), as predict's readings quote such a file name: the console shows strings as
/// they are (<c>{Message:lj}</c>), so a folder named with <c>ESC[31m</c> in a warning recoloured the terminal and a name
/// with a line break made one line look like two. Done once for every event, so no log call that names a file can forget.
/// </summary>
public sealed class ShownNameEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(propertyFactory);

        // A whole line logged as "{Message}" (a failure, through UserLines) is the program's own, its line breaks on
        // purpose (the sources a dataset was tried from); Failure has already escaped what came from elsewhere in it.
        if (logEvent.MessageTemplate.Text == "{Message}")
        {
            return;
        }
        foreach ((string name, LogEventPropertyValue value) in logEvent.Properties.ToArray())
        {
            // A line break alone is left: the program logs tables of several lines (a network's layers) as one value;
            // the names it logs are quoted where they are logged (ShownName.Of).
            if (value is ScalarValue { Value: string text } && !ReferenceEquals(ShownName.Escaped(text), text) && ShownName.Safe(text) is var shown)
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(shown)));
            }
        }
    }
}
