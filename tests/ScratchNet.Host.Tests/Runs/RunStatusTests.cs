using System.Text.Json;
using ScratchNet.Host.Runs;
using ScratchNet.TestSupport;

namespace ScratchNet.Host.Tests.Runs;

public sealed class RunStatusTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void RunJsonKeepsPathsAndTheVersionReadableAndValid()
    {
        const string checkpoints = "/data/ck pt/ünï 日本/run \"quoted\"";
        var status = new RunStatus { Id = "x", Checkpoints = checkpoints };
        status.Sessions.Add(new RunSession { Version = "1.0.0+1799e4d" });

        status.Write(_dir.Path);
        string json = File.ReadAllText(_dir.Combine(RunStatus.FileName));

        Assert.That(json, Does.Contain("ünï 日本").And.Contain("1.0.0+1799e4d").And.Not.Contain("\\u00"));
        Assert.That(RunStatus.TryRead(_dir.Path)!.Checkpoints, Is.EqualTo(checkpoints), "still valid JSON, quotes escaped");
        Assert.DoesNotThrow(() => JsonDocument.Parse(json).Dispose());
    }
}
