using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScratchNet.Dashboard.Options;
using ScratchNet.Dashboard.Server;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Server;

// A run's details gave the server's absolute paths (config values and their sources: a user name, a build folder), which a
// dashboard on 0.0.0.0 told the whole network (probe-sec S9).
public sealed class ShownPathsTests
{
    private const string Home = "/home/alice";
    private const string Runs = "/srv/lab/runs";

    [TestCase("/srv/lab/runs/R1/checkpoints", false, "R1/checkpoints")]
    [TestCase("/srv/lab/runs/R1/checkpoints", true, "R1/checkpoints")]
    [TestCase("/home/alice/data/mnist", false, "~/data/mnist")]
    [TestCase("/home/alice", false, "~")]
    [TestCase("/home/alicex/data", false, "/home/alicex/data")]
    [TestCase("/opt/sn/config/appsettings.json", false, "/opt/sn/config/appsettings.json")]
    [TestCase("/opt/sn/config/appsettings.json", true, "…/appsettings.json")]
    [TestCase("/home/alicex/data", true, "…/data")]
    [TestCase("data/mnist", true, "data/mnist")]
    [TestCase("command line (--Training:Epochs)", true, "command line (--Training:Epochs)")]
    [TestCase("beside the resumed checkpoint /opt/old/ckpt-e0003.ckpt", true, "beside the resumed checkpoint …/ckpt-e0003.ckpt")]
    [TestCase("beside the resumed checkpoint /home/alice/old/c.ckpt", true, "beside the resumed checkpoint ~/old/c.ckpt")]
    [TestCase("history.json cannot be read: the file /opt/x/y is locked; 1/2 done", true, "history.json cannot be read: the file …/y is locked; 1/2 done")]
    [TestCase("see http://127.0.0.1:5757/ now", true, "see http://127.0.0.1:5757/ now")]
    public void APathIsShownByTheRule(string text, bool network, string shown) =>
        Assert.That(new ShownPaths(Runs, network, Home).Text(text), Is.EqualTo(shown));

    [Test]
    public void EveryStringOfAJsonValueIsShownByTheRule_ItsKeysAndNumbersKept()
    {
        using JsonDocument config = JsonDocument.Parse("""{"Data:Directory": {"value": "/srv/secret/mnist", "source": "/opt/sn/appsettings.json"}, "n": [1.5, "/a/b/c"]}""");

        string shown = new ShownPaths(Runs, network: true, Home).Json(config.RootElement).GetRawText();

        Assert.That(shown, Is.EqualTo("""{"Data:Directory":{"value":"\u2026/mnist","source":"\u2026/appsettings.json"},"n":[1.5,"\u2026/c"]}"""));
    }

    [Test]
    public async Task OnAnAddressOthersCanReach_TheRunsAnswersHoldNoAbsolutePathOfTheServer()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        TestModels.WriteRun(runs, "R1", 2, 0.9);
        string checkpoints = Path.Combine(Path.GetFullPath(runs), "R1", "checkpoints");
        await File.WriteAllTextAsync(Path.Combine(runs, "R1", "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Checkpoints:Directory"] = new { value = checkpoints, source = "/opt/sn/bin/config/appsettings.json" },
            ["Data:Directory"] = new { value = "/srv/secret-project/mnist", source = "command line (--Data:Directory)" },
            ["Data:Dataset"] = new { value = "idx", source = "default" },
            ["Data:Split"] = new { value = "official", source = "default" },
        }));
        await File.WriteAllTextAsync(Path.Combine(runs, "R1", "metrics.json"), """{"split": "test", "dataset": "idx", "accuracy": 0.9}""");

        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(
            new DashboardSources(runs) { DefaultRunsDirectory = false }, options: new DashboardOptions { Enabled = true, Address = "0.0.0.0" });
        string list = await dashboard.Client.GetStringAsync("/api/runs");
        string details = await dashboard.Client.GetStringAsync("/api/runs/R1");
        string live = await dashboard.Client.GetStringAsync("/api/live");

        foreach (string answer in new[] { list, details, live })
        {
            Assert.That(answer, Does.Not.Contain("/opt/sn").And.Not.Contain("/srv/secret-project").And.Not.Contain(temp.Path));
        }

        JsonElement config = JsonDocument.Parse(details).RootElement.GetProperty("config");
        Assert.That(config.GetProperty("Checkpoints:Directory").GetProperty("value").GetString(), Is.EqualTo("R1/checkpoints"));
        Assert.That(config.GetProperty("Checkpoints:Directory").GetProperty("source").GetString(), Is.EqualTo("…/appsettings.json"));
        Assert.That(config.GetProperty("Data:Directory").GetProperty("value").GetString(), Is.EqualTo("…/mnist"));
        Assert.That(JsonDocument.Parse(details).RootElement.GetProperty("heldOutSet").GetString(), Does.Contain("…/mnist"));
        Assert.That(JsonDocument.Parse(live).RootElement.GetProperty("browse").GetString(), Is.EqualTo("serve --runs …/runs"));
    }

    [Test]
    public async Task OnLoopback_APathOutsideTheRunsAndHomeFoldersIsShownWhole()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        TestModels.WriteRun(runs, "R1", 2, 0.9);
        await File.WriteAllTextAsync(Path.Combine(runs, "R1", "config.json"), """{"Data:Directory": {"value": "/srv/secret-project/mnist", "source": "default"}}""");
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(new DashboardSources(runs));

        JsonElement details = await dashboard.Client.GetFromJsonAsync<JsonElement>("/api/runs/R1");

        Assert.That(details.GetProperty("config").GetProperty("Data:Directory").GetProperty("value").GetString(), Is.EqualTo("/srv/secret-project/mnist"));
    }
}
