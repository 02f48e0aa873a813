namespace ScratchNet.Host.Tests;

/// <summary>The one walk over an overlap that evaluate's and Model:InitFrom's warnings share, each in its own words.</summary>
public class HeldOutOverlapTests
{
    [Test]
    public void Report_SaysTheOwnRunAndEachAncestorApart_WithTheArgumentThatAvoidsThemAll_ThenTheUnknownAncestors()
    {
        var overlap = new HeldOutOverlap(
            [("/runs/a/model.snm", "Data:Split=random", "Data:Seed=7"), ("/runs/b/model.snm", "Data:Seed=1", "Data:Seed=7")],
            "--Data:Split=official",
            ["/runs/c/model.snm"],
            ["Data:Seed=1", "Data:Seed=7"]);

        Assert.That(Said(overlap, "/runs/a/model.snm"), Is.EqualTo(new[]
        {
            "own: Data:Split=random / Data:Seed=7 / --Data:Split=official",
            "ancestor /runs/b/model.snm: Data:Seed=1 / Data:Seed=7 / --Data:Split=official",
            "unknown /runs/c/model.snm",
        }));
    }

    [Test]
    public void Report_WhereNoSplitAvoidsThemAll_ListsTheSplitsOnce_AndAdvisesNoArgumentRunByRun()
    {
        var overlap = new HeldOutOverlap(
            [("/runs/a/model.snm", "Data:Seed=1", "Data:Seed=7"), ("/runs/b/model.snm", "Data:Seed=2", "Data:Seed=7")],
            Argument: null,
            ["/runs/c/model.snm"],
            ["Data:Seed=1", "Data:Seed=2"]);

        Assert.That(Said(overlap, "/runs/a/model.snm"), Is.EqualTo(new[] { "no split: Data:Seed=1; Data:Seed=2", "unknown /runs/c/model.snm" }));
    }

    [Test]
    public void Report_OfNoOverlap_SaysNothing()
    {
        Assert.That(Said(new HeldOutOverlap([], Argument: null, [], ["Data:Seed=7"]), "/runs/a/model.snm"), Is.Empty);
    }

    private static List<string> Said(HeldOutOverlap overlap, string file)
    {
        var said = new List<string>();
        overlap.Report(
            file,
            splits => said.Add($"no split: {splits}"),
            (trained, current, argument) => said.Add($"own: {trained} / {current} / {argument}"),
            (ancestor, trained, current, argument) => said.Add($"ancestor {ancestor}: {trained} / {current} / {argument}"),
            ancestor => said.Add($"unknown {ancestor}"));
        return said;
    }
}
