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

        For(plain).Write(logger, LogLevel.Error, "the image does not exist", _ => logger.Lines.Add("the image does not exist"));

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

        For(plain, (key, value)).Write(logger, LogLevel.Warning, "Stopping (Ctrl+C): training ends at the next batch", _ => logger.Lines.Add("Stopping (Ctrl+C): training ends at the next batch"));

        Assert.That(plain.ToString(), Is.EqualTo("Stopping (Ctrl+C): training ends at the next batch" + Environment.NewLine));
        Assert.That(logger.Lines, Is.Empty, "not once quoted or bare in the log and once plain");
    }

    [Test]
    public void ALevelAboveTheLinesIsWrittenPlain()
    {
        var plain = new StringWriter();
        var logger = new ListLogger(LogLevel.Critical);

        For(plain).Write(logger, LogLevel.Error, "the model file does not exist", _ => logger.Lines.Add("the model file does not exist"));

        Assert.That(plain.ToString(), Does.StartWith("the model file does not exist"));
        Assert.That(logger.Lines, Is.Empty);
        Assert.That(For(plain).ConsoleShows(LogEventLevel.Error), Is.True, "the console would show it; the level dropped it");
    }

    // train's results were Information events alone: at Warning a run printed nothing (probe-retest4 R8).
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

        new UserLines(configuration, error, output).WriteResult(logger, "Saved the model to m.snm", l => l.LogInformation("Saved the model to {Path}", "m.snm"));

        Assert.That(logger.Lines, logged ? Is.EqualTo(new[] { "Saved the model to m.snm" }) : Is.Empty);
        Assert.That(output.ToString(), Is.EqualTo(logged ? string.Empty : "Saved the model to m.snm" + Environment.NewLine));
        Assert.That(error.ToString(), Is.Empty, "a result goes to stdout");
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
