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
        foreach ((string name, LogEventPropertyValue value) in logEvent.Properties.ToArray())
        {
            if (value is ScalarValue { Value: string text } && ShownName.Safe(text) is var shown && !ReferenceEquals(shown, text))
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(shown)));
            }
        }
    }
}
