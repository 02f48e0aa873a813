using System.Text;
using Microsoft.Extensions.Logging;
using ScratchNet.Files;
using ScratchNet.Training.Reports;
using Serilog.Parsing;

namespace ScratchNet.Host;

/// <summary>
/// The message one log call writes, rendered as the console shows it (<c>{Message:lj}</c>: strings as they are, or quoted
/// where they hold a line break or an escape sequence, as <see cref="ShownNameEnricher"/> has them, numbers through
/// <see cref="ReadableNumbers"/>, the console sink's format provider), without logging it. <see cref="UserLines"/>
/// writes it plain where the console would not show the event, so a line has one source, its message template.
/// </summary>
internal sealed record RenderedLine(LogLevel Level, string Text)
{
    private const string OriginalFormat = "{OriginalFormat}";

    /// <summary>What <paramref name="log"/> writes, caught instead of logged.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="log"/> wrote no event, or more than one.</exception>
    public static RenderedLine Of(Action<ILogger> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var capture = new Capture();
        log(capture);
        return capture.Lines is [var line] ? line : throw new InvalidOperationException($"A user line is one log event; this call wrote {capture.Lines.Count}");
    }

    /// <summary>
    /// <paramref name="template"/> with its properties' values: a string as it is, anything else as the console's format
    /// provider writes it with the property's format (<c>{ValLoss:F4}</c>); a property without a value stays as written.
    /// </summary>
    internal static string Render(string template, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var text = new StringBuilder();
        foreach (MessageTemplateToken token in new MessageTemplateParser().Parse(template).Tokens)
        {
            if (token is not PropertyToken property)
            {
                text.Append(((TextToken)token).Text);
            }
            else if (!values.Any(v => v.Key == property.PropertyName))
            {
                text.Append(property);
            }
            else
            {
                object? value = values.First(v => v.Key == property.PropertyName).Value;
                text.Append(value switch
                {
                    null => "null",
                    // As ShownNameEnricher shows it in the console log: a file name with a line break stays on its line.
                    string s => ShownName.Safe(s),
                    _ => ReadableNumbers.Provider.Format(property.Format, value, ReadableNumbers.Provider),
                });
            }
        }

        return text.ToString();
    }

    private sealed class Capture : ILogger
    {
        public List<RenderedLine> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // A [LoggerMessage] method's state, like LogInformation's, lists its values and then the template itself.
            string text = state is IReadOnlyList<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == OriginalFormat).Value is string template
                ? Render(template, values)
                : formatter(state, exception);
            Lines.Add(new RenderedLine(logLevel, text));
        }
    }
}
