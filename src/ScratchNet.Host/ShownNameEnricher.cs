using ScratchNet.Files;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

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

        HashSet<string> blocks = Blocks(logEvent.MessageTemplate);
        foreach ((string name, LogEventPropertyValue value) in logEvent.Properties.ToArray())
        {
            if (value is not ScalarValue { Value: string text })
            {
                continue;
            }

            // A value the template puts on lines of its own ("…parameters:\n{Summary}", a network's table of layers) keeps
            // its line breaks; any other, mostly a file or folder's name, is one line however it is named.
            // A long value a user wrote is shortened (ShownValue), as in an error.
            string shown = blocks.Contains(name) ? ShownName.Escaped(text) : ShownName.Safe(ShownValue.InMessage(text));
            if (!ReferenceEquals(shown, text))
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(shown)));
            }
        }
    }

    // The properties that start a line of the template.
    private static HashSet<string> Blocks(MessageTemplate template)
    {
        var blocks = new HashSet<string>(StringComparer.Ordinal);
        MessageTemplateToken? before = null;
        foreach (MessageTemplateToken token in template.Tokens)
        {
            if (token is PropertyToken property && before is TextToken { Text: var text } && text.EndsWith('\n'))
            {
                blocks.Add(property.PropertyName);
            }

            before = token;
        }

        return blocks;
    }
}
