using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests.Commands;

/// <summary>How the host composes the dashboard: which commands listen, where, and what a taken port does.</summary>
public sealed class DashboardHostTests
{
    private string _runs = null!;

    [SetUp]
    public void SetUp() => _runs = Path.Combine(Path.GetTempPath(), $"scratchnet-runs-{Guid.NewGuid():N}");

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_runs))
        {
            Directory.Delete(_runs, recursive: true);
        }
    }

    private DashboardOptions Options(params string[] args)
    {
        using IHost host = TestHost.Build([.. args, $"--Run:Directory={_runs}"], SyntheticMnist.Create());
        return host.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
    }

    [Test]
    public void TrainServesTheDashboardOnly_WhenAsked()
    {
        Assert.That(Options("train").Enabled, Is.False);
        Assert.That(Options("train", "--dashboard").Enabled, Is.True);
        Assert.That(Options("train", "--Dashboard:Enabled=true").Enabled, Is.True);
        Assert.That(Options("serve").Enabled, Is.True);
        Assert.That(Options("train", "--dashboard").Address, Is.EqualTo("127.0.0.1"), "loopback unless the user says otherwise");
        Assert.That(Options("train", "--dashboard").Port, Is.EqualTo(5757));
    }

    [Test]
    public void OtherCommandsNeverListenSoTheyCannotCollideWithATrainingRunsPort() =>
        Assert.That(Options("predict", "--Dashboard:Enabled=true").Enabled, Is.False);

    [Test]
    public void BadDashboardSettingsAreReportedWithTheOthers()
    {
        using IHost host = TestHost.Build(["train", "--Dashboard:Port=70000", "--Dashboard:Address=my-laptop", "--Dashboard:StatisticsEveryBatches=1", "--Dashboard:AllowedHosts=dash.example.org,http://x:1", $"--Run:Directory={_runs}"], SyntheticMnist.Create());

        Failure failure = Failure.From(Assert.Catch(() => host.Services.GetRequiredService<IStartupValidator>().Validate())!);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.Message, Does.Contain("Dashboard:Port must be in [0, 65535]"));
        Assert.That(failure.Message, Does.Contain("Dashboard:Address 'my-laptop' is not an IP address"));
        Assert.That(failure.Message, Does.Contain("Dashboard:StatisticsEveryBatches must be at least 2"));
        Assert.That(failure.Message, Does.Contain("Dashboard:AllowedHosts holds 'http://x:1', which is not a host name"));
    }

    [Test]
    public async Task ATakenPortIsOneClearLineAndExitCode2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using IHost host = TestHost.Build(["train", "--dashboard", $"--Dashboard:Port={port}", $"--Run:Directory={_runs}"], SyntheticMnist.Create());

        Exception error = Assert.CatchAsync(() => host.StartAsync())!;
        Failure failure = Failure.From(error);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.InvalidConfiguration));
        Assert.That(failure.IsBug, Is.False);
        Assert.That(failure.Message, Does.Contain($"cannot listen on 127.0.0.1:{port}").And.Contain("--Dashboard:Port=N"));
        // Not a configuration mistake: the port is held, most often by serve, which no training can report to.
        Assert.That(failure.Message, Does.StartWith("Dashboard unavailable: ").And.Contain("that port is in use (is serve, or another train --dashboard, running?)"));
        await host.StopAsync();
    }

    [Test]
    public async Task ServeListsTheRunsFolderGivenWithRunsUntilStopped()
    {
        string runs = Path.Combine(_runs, "elsewhere");
        Directory.CreateDirectory(Path.Combine(runs, "r1"));
        File.WriteAllText(Path.Combine(runs, "r1", "history.json"), "[]");
        using IHost host = TestHost.Build(["serve", "--runs", runs, "--Dashboard:Port=0", $"--Run:Directory={_runs}"], SyntheticMnist.Create());
        await host.StartAsync();
        Uri url = host.Services.GetRequiredService<DashboardServer>().Url!;
        using var stop = new CancellationTokenSource();
        Task<int> serving = host.Services.GetRequiredKeyedService<ICommand>("serve").RunAsync(CommandLine.Parse(["serve", "--runs", runs]), stop.Token);

        using var client = new HttpClient();
        string list = await client.GetStringAsync(new Uri(url, "api/runs"));
        await stop.CancelAsync();

        Assert.That(list, Does.Contain("\"id\":\"r1\""));
        Assert.That(await serving, Is.EqualTo(ExitCodes.Success));
        await host.StopAsync();
    }

    [Test]
    public void ServeRefusesAModelFileThatIsNotOne()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"scratchnet-{Guid.NewGuid():N}.snm");
        File.WriteAllText(bad, "not a model");
        try
        {
            using IHost host = TestHost.Build(["serve", "--model", bad, "--Dashboard:Port=0", $"--Run:Directory={_runs}"], SyntheticMnist.Create());
            Exception error = Assert.CatchAsync(() => host.StartAsync())!;
            Assert.That(Failure.From(error).ExitCode, Is.EqualTo(ExitCodes.InvalidModel));
            Assert.That(host.Services.GetRequiredService<DashboardServer>().Url, Is.Null, "refused before it listens");
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Test]
    public void HelpListsServeAndTheDashboardSwitch()
    {
        string help = CommandCatalog.HelpText();

        Assert.That(help, Does.Contain("serve [--model FILE] [--runs DIR]"));
        Assert.That(help, Does.Contain("--dashboard"));
        Assert.DoesNotThrow(() => CommandCatalog.Check(CommandLine.Parse(["serve", "--model", "m.snm", "--runs", "runs"])));
        Assert.DoesNotThrow(() => CommandCatalog.Check(CommandLine.Parse(["train", "--dashboard"])));
    }
}
