using System.Diagnostics;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests.Settings;

/// <summary>A configuration written on a larger machine runs on a smaller one: Training:Threads is capped there, with one warning.</summary>
public sealed class ThreadsBeyondProcessorsTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private HostResult RunOnOneProcessor(string threads)
    {
        string config = _dir.Combine("machine.json");
        File.WriteAllText(config, $$"""{ "Training": { "Threads": {{threads}}, "Epochs": 1 } }""");
        string[] data = SyntheticIdx.Write(_dir.Combine("idx"), trainRows: 200, testRows: 50);
        ProcessStartInfo start = HostProcess.StartInfo(["train", "--config", config, .. data, $"--Run:Directory={_dir.Combine("runs")}"], _dir.Path);
        start.Environment["DOTNET_PROCESSOR_COUNT"] = "1";
        return HostProcess.Run(start);
    }

    [Test]
    public void MoreThreadsThanProcessors_TrainsOnEveryProcessor_WithOneWarningNamingTheSourceAndAuto()
    {
        HostResult result = RunOnOneProcessor("2");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string[] warnings = [.. result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("Training:Threads", StringComparison.Ordinal))];
        Assert.That(warnings, Has.Length.EqualTo(1), result.ToString());
        Assert.That(warnings[0], Does.Contain($"Training:Threads is 2 (from {_dir.Combine("machine.json")}), more than this machine's processor count, 1, which is used instead").And.Contain("Training:Threads=auto"));
        Assert.That(Directory.GetFiles(_dir.Combine("runs"), "model.snm", SearchOption.AllDirectories), Has.Length.EqualTo(1));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("5000")]
    public void NoThreadsOrAnAbsurdNumber_IsStillRefused_NamingTheSource(string threads)
    {
        HostResult result = RunOnOneProcessor(threads);

        HostAssert.OneLine(result, ExitCodes.InvalidConfiguration, $"Training:Threads must be 'auto' (one per core) or a whole number from 1 to 1024, got {threads} (from {_dir.Combine("machine.json")})");
    }
}
