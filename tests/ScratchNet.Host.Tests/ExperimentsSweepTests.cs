using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>
/// The F# optimizer sweep (experiments/ScratchNet.Experiments) as docs/training.md runs it, on a tiny IDX set: nothing
/// else runs it, and it once called the trainer without a run folder, so its history had nowhere to go after epoch 1.
/// </summary>
[NonParallelizable]
public sealed class ExperimentsSweepTests
{
    [Test]
    public void TheSweep_TrainsEveryOptimizer_InARunFolderOfItsOwn_AndPrintsItsTable()
    {
        using var temp = new TempDirectory();
        string runs = temp.Combine("runs");
        string[] data = SyntheticIdx.Write(temp.Combine("idx"), side: 4, hidden: 8, trainRows: 100, testRows: 20);
        var output = new StringWriter();
        TextWriter console = Console.Out;
        int exitCode;
        Console.SetOut(output);
        try
        {
            exitCode = ScratchNet.Experiments.Sweep.main([.. data, "--Training:Epochs=2", $"--Run:Directory={runs}"]);
        }
        finally
        {
            Console.SetOut(console);
        }

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), output.ToString());
        string[] folders = Directory.GetDirectories(runs);
        Assert.That(folders, Has.Length.EqualTo(5), "one run folder per optimizer");
        foreach (string folder in folders)
        {
            Assert.That(RunStatus.TryRead(folder)?.State, Is.EqualTo(RunStatus.Finished), folder);
            Assert.That(File.ReadAllLines(Path.Combine(folder, "history.csv")), Has.Length.EqualTo(3), "a header and both epochs");
            Assert.That(File.Exists(Path.Combine(folder, "model.snm")), Is.True, folder);
        }

        string[] table = output.ToString().Split('\n').SkipWhile(l => !l.StartsWith("optimizer", StringComparison.Ordinal)).ToArray();
        Assert.That(table, Has.Length.GreaterThanOrEqualTo(6), output.ToString());
        foreach (string optimizer in (string[])["sgd lr=0.003", "sgd lr=0.05 momentum=0.9 nesterov", "adam", "adamw", "rmsprop"])
        {
            Assert.That(table.Any(l => l.StartsWith(optimizer, StringComparison.Ordinal)), Is.True, optimizer);
        }

        Assert.That(folders.All(f => table.Any(l => l.TrimEnd().EndsWith(f, StringComparison.Ordinal))), Is.True, "each row names its run folder");
    }
}
