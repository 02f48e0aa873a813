using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace ScratchNet.Host.Tests;

public sealed class UserLinesTests
{
    private static UserLines For(StringWriter plain, params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder()
            .AddJsonFile(ScratchNetHost.AppSettingsPath)
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build(), plain);

    [TestCase("{Timestamp:HH:mm:ss} {Message:lj}{NewLine}{Exception}", true)]
    [TestCase("{Message:l}{NewLine}", true)]
    [TestCase("[{Level}] {Message}{NewLine}", false)]
    [TestCase("[{Level}] {Message:j}{NewLine}", false)]
    [TestCase("[{Level}]{NewLine}", false)]
    [TestCase("{Messages:lj}", false)]
    public void OnlyAMessageWithTheLiteralFormatIsShownAsItIs(string template, bool shown)
    {
        Assert.That(UserLines.ShowsMessageAsIs(template), Is.EqualTo(shown));
    }

    [Test]
    public void TheShippedSettingsShowErrorsAndWarningsInTheLog_SoNothingIsWrittenTwice()
    {
        var plain = new StringWriter();
        var logger = new ListLogger(LogLevel.Information);

        For(plain).Write(logger, l => l.LogError("the image does not exist"));

        Assert.That(logger.Lines, Is.EqualTo(new[] { "the image does not exist" }));
        Assert.That(plain.ToString(), Is.Empty);
    }

    [TestCase("Serilog:WriteTo:0:Args:outputTemplate", "[{Level}]{NewLine}")]
    [TestCase("Serilog:WriteTo:0:Args:outputTemplate", "[{Level}] {Message}{NewLine}")]
    [TestCase("Serilog:WriteTo:0:Args:restrictedToMinimumLevel", "Fatal")]
    [TestCase("Serilog:WriteTo:0:Name", "File")]
    public void WhereTheConsoleWouldNotShowTheLineAsItIs_ItIsWrittenPlainAndNotLogged(string key, string value)
    {
        var plain = new StringWriter();
        var logger = new ListLogger(LogLevel.Information);

        For(plain, (key, value)).Write(logger, l => l.LogWarning("Stopping ({Signal}): {WhatHappens}", "Ctrl+C", "training ends at the next batch"));

        Assert.That(plain.ToString(), Is.EqualTo("Stopping (Ctrl+C): training ends at the next batch" + Environment.NewLine));
        Assert.That(logger.Lines, Is.Empty, "not once quoted or bare in the log and once plain");
    }

    [Test]
    public void ALevelAboveTheLinesIsWrittenPlain()
    {
        var plain = new StringWriter();
        var logger = new ListLogger(LogLevel.Critical);

        For(plain).Write(logger, l => l.LogError("the model file does not exist"));

        Assert.That(plain.ToString(), Does.StartWith("the model file does not exist"));
        Assert.That(logger.Lines, Is.Empty);
        Assert.That(For(plain).ConsoleShows(LogEventLevel.Error), Is.True, "the console would show it; the level dropped it");
    }

    // train's results were Information events alone: at Warning a run printed nothing.
    [TestCase(LogLevel.Information, null, true)]
    [TestCase(LogLevel.Warning, null, false)]
    [TestCase(LogLevel.Information, "[{Level}]{NewLine}", false)]
    public void AResultIsLoggedWhereTheConsoleShowsIt_ElsePlainOnStdout(LogLevel minimum, string? template, bool logged)
    {
        var error = new StringWriter();
        var output = new StringWriter();
        var logger = new ListLogger(minimum);
        var configuration = new ConfigurationBuilder().AddJsonFile(ScratchNetHost.AppSettingsPath)
            .AddInMemoryCollection(template is null ? [] : [new("Serilog:WriteTo:0:Args:outputTemplate", template)]).Build();

        new UserLines(configuration, error, output).WriteResult(logger, l => l.LogInformation("Saved the model to {Path}", "m.snm"));

        Assert.That(logger.Lines, logged ? Is.EqualTo(new[] { "Saved the model to m.snm" }) : Is.Empty);
        Assert.That(output.ToString(), Is.EqualTo(logged ? string.Empty : "Saved the model to m.snm" + Environment.NewLine));
        Assert.That(error.ToString(), Is.Empty, "a result goes to stdout");
    }

    // Each caller gave the plain line and the log template separately, two texts kept in step by hand; the plain line is
    // now rendered from the one template, and reads as the console shows the logged event.
    [Test]
    public void ThePlainLineIsTheMessageTheConsoleShows_RenderedFromTheOneTemplate()
    {
        var console = new StringWriter();
        using Serilog.Core.Logger serilog = new Serilog.LoggerConfiguration()
            .WriteTo.Sink(new ConsoleLike(console))
            .CreateLogger();
        using var provider = new Serilog.Extensions.Logging.SerilogLoggerProvider(serilog);
        Action<ILogger> log = l => l.LogWarning(
            "Finished {Epochs} {EpochNoun}: val_loss={ValLoss:F4} total={Seconds:F1}s loss={Huge:F4} in {Path} {{braces}} {Missing}",
            3, "epochs", 0.123456789, 12.34, 1.7e37, "/tmp/a \"b\"", null);
        log(provider.CreateLogger("test"));
        var plain = new StringWriter();

        For(plain, ("Serilog:WriteTo:0:Args:outputTemplate", "[{Level}]{NewLine}")).Write(new ListLogger(LogLevel.Information), log);

        Assert.That(plain.ToString(), Is.EqualTo(console.ToString()));
        Assert.That(plain.ToString(), Does.StartWith("Finished 3 epochs: val_loss=0.1235 total=12.3s loss=1.700E+37 in /tmp/a \"b\" {braces} "));
    }

    [Test]
    public void AUserLineIsOneEvent()
    {
        Assert.That(
            () => For(new StringWriter(), ("Serilog:MinimumLevel:Default", "Fatal")).Write(new ListLogger(LogLevel.Critical), _ => { }),
            Throws.InvalidOperationException.With.Message.Contains("wrote 0"));
    }

    // The console sink's rendering, as config/appsettings.json sets it up, into a string.
    private sealed class ConsoleLike(TextWriter output) : Serilog.Core.ILogEventSink
    {
        private readonly Serilog.Formatting.Display.MessageTemplateTextFormatter _format = new("{Message:lj}{NewLine}", ScratchNet.Training.Reports.ReadableNumbers.Provider);

        public void Emit(LogEvent logEvent) => _format.Format(logEvent, output);
    }

    private sealed class ListLogger(LogLevel minimum) : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
