using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using ScratchNet.Host;

// The bootstrap logger reports failures that happen before the configured one exists (bad JSON, bad options).
Log.Logger = new LoggerConfiguration().WriteTo.Console(outputTemplate: "{Message:lj}{NewLine}").CreateBootstrapLogger();
try
{
    using IHost host = ScratchNetHost.CreateBuilder(args).Build();

    // Validate every options class here, before StartAsync, so all failures surface together as one
    // user error instead of being logged by the host as a start-up crash.
    host.Services.GetRequiredService<IStartupValidator>().Validate();
    await host.StartAsync();
    var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    await host.Services.GetRequiredService<TrainCommand>().RunAsync(lifetime.ApplicationStopping);
    await host.StopAsync();
    return ExitCodes.Success;
}
catch (Exception exception)
{
    Failure failure = Failure.From(exception);
    if (failure.IsBug)
    {
        Log.Fatal(exception, "{Message}", failure.Message);
    }
    else
    {
        Log.Error("{Message}", failure.Message);
    }

    return failure.ExitCode;
}
finally
{
    await Log.CloseAndFlushAsync();
}
