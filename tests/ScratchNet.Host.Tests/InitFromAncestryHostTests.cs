using ScratchNet.Host.Tests.Support;
using ScratchNet.Models;

namespace ScratchNet.Host.Tests;

/// <summary>
/// The data history through the real host: weights trained on the official split, then on from them under a random one,
/// have seen images of every hold-out of that data. The second model's file carries the first run's data, so a third run
/// (and evaluate) says no split avoids them all, where it once advised a split that overlapped the first run's training.
/// </summary>
[Category("Integration")]
public sealed class InitFromAncestryHostTests
{
    private TempDirectory _dir = null!;
    private string[] _data = [];

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _data = [.. SyntheticIdx.Write(_dir.Combine("idx"), side: 8, trainRows: 120, testRows: 30), "--Checkpoints:Directory=" + _dir.Combine("ckpt")];
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    // Trains one epoch into its own runs folder; the model it saved.
    private (HostResult Result, string Model) Train(string name, params string[] args)
    {
        string runs = _dir.Combine(name);
        HostResult result = HostProcess.Run(["train", .. _data, "--Run:Directory=" + runs, "--Training:Epochs=1", "--Training:BatchSize=16", .. args], _dir.Path, TimeSpan.FromSeconds(120));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        return (result, Path.Combine(Directory.GetDirectories(runs).Single(), "model.snm"));
    }

    [Test]
    public void ARunFromWeightsThatDescendFromAnotherSplit_WarnsThatNoSplitAvoidsThemAll_AndNeverAdvisesOne()
    {
        (_, string official) = Train("a", "--Data:Split=official");
        (HostResult second, string random) = Train("b", "--Data:Split=random", "--Model:InitFrom=" + official);
        (HostResult third, _) = Train("c", "--Data:Split=random", "--Model:InitFrom=" + random);
        HostResult evaluated = HostProcess.Run(["evaluate", "--model", random], _dir.Path);

        Assert.That(second.Output, Does.Contain("Pass --Data:Split=official to hold out the rows they never saw"), "one run before: its split is the answer");
        Assert.That(ModelFile.Load(random).DataHistory.Select(e => (e.Source, Split: e.Data?.GetValueOrDefault("Data:Split"))), Is.EqualTo(new[] { (official, (string?)"official") }));
        Assert.That(third.Output, Does.Contain($"The weights in {random} and those they descend from were trained on this data under different splits").And.Contain("no Data:Split avoids them all"));
        Assert.That(evaluated.ExitCode, Is.EqualTo(0), evaluated.ToString());
        Assert.That(evaluated.Output, Does.Contain("The model and the weights it descends from were trained on this data under different splits"));
        Assert.That(third.Output + evaluated.Output, Does.Not.Contain("Pass --Data:Split"), "every split overlaps one of the runs");
    }
}
