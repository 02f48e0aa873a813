using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ScratchNet.Host.Tests;

/// <summary>
/// A log line's value with a line break: a folder's name in "Reports written to {RunFolder}" made one line two (closing
/// note 10, "many path messages are not quoted"), as the enricher left line breaks alone for the network's table.
/// </summary>
public sealed class ShownNameEnricherTests
{
    [Test]
    public void AValueWithinALine_IsQuoted_AValueOnLinesOfItsOwn_KeepsThem()
    {
        var sink = new Lines();
        using (Logger logger = new LoggerConfiguration().Enrich.With<ShownNameEnricher>().WriteTo.Sink(sink).CreateLogger())
        {
            logger.Information("Reports written to {RunFolder}", "/tmp/r\nuns/1");
            logger.Warning("Could not draw the images in {Folder}: {Reason}; training goes on", "/tmp/a\u001B[31m", "disk full");
            logger.Information("Network of {Count} layers:\n{Summary}", 2, "  0  input\n  1  dense0");
        }

        Assert.That(sink.Rendered, Is.EqualTo(new[]
        {
            "Reports written to \"/tmp/r\\nuns/1\"",
            "Could not draw the images in \"/tmp/a\\u001B[31m\": disk full; training goes on",
            "Network of 2 layers:\n  0  input\n  1  dense0",
        }));
    }

    [Test]
    public void ALongValueAUserWrote_IsShortened_APathIsNot()
    {
        var sink = new Lines();
        string path = "/tmp/" + new string('p', 100);
        using (Logger logger = new LoggerConfiguration().Enrich.With<ShownNameEnricher>().WriteTo.Sink(sink).CreateLogger())
        {
            logger.Warning("Training:Threads {Value} is beyond this machine's cores; {Folder}", new string('9', 300), path);
        }

        Assert.That(sink.Rendered, Is.EqualTo(new[] { $"Training:Threads {new string('9', 60)}… (300 characters) is beyond this machine's cores; {path}" }));
    }

    private sealed class Lines : ILogEventSink
    {
        public List<string> Rendered { get; } = [];

        // As the console's {Message:lj} shows a string: without quotes of its own.
        public void Emit(LogEvent logEvent) =>
            Rendered.Add(string.Concat(logEvent.MessageTemplate.Tokens.Select(t => t switch
            {
                Serilog.Parsing.PropertyToken p when logEvent.Properties[p.PropertyName] is ScalarValue { Value: string s } => s,
                Serilog.Parsing.PropertyToken p => logEvent.Properties[p.PropertyName].ToString(),
                _ => ((Serilog.Parsing.TextToken)t).Text,
            })));
    }
}
