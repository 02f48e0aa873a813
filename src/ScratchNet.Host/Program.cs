using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using ScratchNet.Host;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Progress;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Settings;

// First: the process's one handler of stop signals. One during the start is answered with a line and ends the program
// before the command runs, where the runtime's default ended it with no line at all; once the host has started, it hands
// each signal to the command's StopSignals.
using StartupSignals startupSignals = StartupSignals.Install();

// Results go to stdout, warnings and errors to stderr; a failed write of results is an error of its own.
StandardOutput output = StandardOutput.Install();

// Any console line, on stdout or stderr, first erases the progress bar's unfinished line instead of running on from it.
ProgressLine.Install();

// The bootstrap logger reports failures that happen before the configured one exists (bad JSON, bad options).
Log.Logger = new LoggerConfiguration().Enrich.With<ShownNameEnricher>().WriteTo.Console(outputTemplate: "{Message:lj}{NewLine}", formatProvider: ScratchNet.Training.Reports.ReadableNumbers.Provider, standardErrorFromLevel: LogEventLevel.Warning).CreateBootstrapLogger();

// A refusal before the command runs (a bad key, a bad value, a port taken) is one bare line whichever check found it, and so is
// any refusal of the command line, also one a command makes once it runs (export's --out, evaluate without --model); once
// the command runs, its other errors are log lines like the rest of its output.
bool commandRunning = false;
string? commandName = null;
bool resultsOnStandardOutput = true;
UserLines? userLines = null;
try
{
    CommandLine commandLine = CommandLine.Parse(args);
    if (commandLine.Help)
    {
        // "--help" alone lists every command; "predict --help" only that one; "help nosuch" is an unknown command.
        if (commandLine.CommandNamed && CommandCatalog.Find(commandLine.Command) is null)
        {
            CommandCatalog.Check(commandLine);
        }

        Console.Out.Write(CommandCatalog.HelpText(commandLine.CommandNamed ? CommandCatalog.Find(commandLine.Command)?.Name : null));
        output.ThrowIfFailed();
        return ExitCodes.Success;
    }

    if (commandLine.Version)
    {
        Console.Out.WriteLine(CommandCatalog.VersionText());
        output.ThrowIfFailed();
        return ExitCodes.Success;
    }

    CommandInfo command = CommandCatalog.Check(commandLine);
    commandName = command.Name;
    resultsOnStandardOutput = command.ResultsOnStandardOutput;
    HostApplicationBuilder builder = ScratchNetHost.CreateBuilder(commandLine);
    builder.Services.AddSingleton(startupSignals);

    // Before anything is built or written: a key nothing reads is a typo, and the run it would start is the wrong one.
    ConfigurationCheck.ThrowIfInvalid(builder);
    using IHost host = builder.Build();
    userLines = host.Services.GetRequiredService<UserLines>();

    // Validate every options class here, before StartAsync, so all failures surface together as one
    // user error instead of being logged by the host as a start-up crash.
    host.Services.GetRequiredService<IStartupValidator>().Validate();
    await HostStart.StartAsync(host);
    if (startupSignals.Signalled)
    {
        await HostShutdown.StopAsync(host, Log.Logger);
        throw new OperationCanceledException();
    }

    var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    commandRunning = true;

    // A command whose results are its output stops at the first write of it that fails: no one can read what it would go on to make.
    using CancellationTokenSource? stopping = command.ResultsOnStandardOutput || command.Name == ServeCommand.Name ? CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping, output.Failed) : null;
    int exitCode = await host.Services.GetRequiredKeyedService<ICommand>(command.Name).RunAsync(commandLine, stopping?.Token ?? lifetime.ApplicationStopping);
    await HostShutdown.StopAsync(host, Log.Logger);
    if (command.ResultsOnStandardOutput)
    {
        output.ThrowIfFailed();
    }

    return exitCode;
}
catch (Exception caught)
{
    // A command cancelled by its failed output (StandardOutput.Failed) reports that failure, not an interruption.
    Exception exception = resultsOnStandardOutput && caught is OperationCanceledException && output.Exception() is { } unwritten ? unwritten : caught;
    Failure failure = Failure.From(exception, commandName);
    if (failure.Message.Length == 0)
    {
        // Nothing to say: stdout's reader went away, and a Unix tool ends silently then.
    }
    else if (failure.IsBug)
    {
        Log.Fatal(exception, "{Message}", failure.Message);
    }
    else if (!commandRunning || exception is UsageException)
    {
        await Log.CloseAndFlushAsync();
        Console.Error.WriteLine(failure.Message);
    }
    else
    {
        // A stop the user asked for is no error; as a warning it still goes to stderr, beside the line that answered the signal.
        // No Serilog setting (a level above it, a template without {Message}) may hide why the command failed, or the
        // command that resumes it: UserLines writes it plain where the console log would not show it.
        LogEventLevel level = failure.ExitCode == ExitCodes.Interrupted ? LogEventLevel.Warning : LogEventLevel.Error;
        (userLines ?? UserLines.Logged).Write(Log.Logger, level, failure.Message);
    }

    return failure.ExitCode;
}
finally
{
    await Log.CloseAndFlushAsync();
}
