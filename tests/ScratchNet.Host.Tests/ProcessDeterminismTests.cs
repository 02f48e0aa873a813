using ScratchNet.Core.Kernels;
using ScratchNet.Host.Tests.Support;
using ScratchNet.Host.Reports;

namespace ScratchNet.Host.Tests;

/// <summary>
/// The same settings give the same numbers in separate processes, with one thread or two: the loss and accuracy
/// columns of history.csv agree to the last digit (timing columns differ, of course).
/// </summary>
[Category("Integration")]
public sealed class ProcessDeterminismTests
{
    private const int BatchSize = 64;

    private static readonly string[] Compared = ["epoch", "train_loss", "val_loss", "val_acc"];

    [Test]
    public void TwoProcessesAndATwoThreadProcessWriteIdenticalLossAndAccuracyHistories()
    {
        using var dir = new TempDirectory();
        // 784×128 at batch 64 is above 2·MatMul.ParallelFlops, so two threads really split the training products.
        string[] data = SyntheticIdx.Write(dir.Combine("idx"), side: 28, hidden: 128);
        Assert.That(2L * BatchSize * 784 * 128, Is.GreaterThanOrEqualTo(2 * MatMul.ParallelFlops));

        string[] first = Losses(Train(dir, data, "a", threads: 1));
        string[] second = Losses(Train(dir, data, "b", threads: 1));
        string[] twoThreads = Losses(Train(dir, data, "c", threads: 2));

        Assert.That(first, Has.Length.EqualTo(3), "a header and two epochs");
        Assert.That(first[1], Is.Not.EqualTo(first[2]), "the two epochs differ, so the comparison compares training");
        Assert.That(second, Is.EqualTo(first), "a second process");
        Assert.That(twoThreads, Is.EqualTo(first), "--Training:Threads=2");
    }

    private static string Train(TempDirectory dir, string[] data, string name, int threads)
    {
        string runs = dir.Combine("runs-" + name);
        HostResult result = HostProcess.Run(
            ["train", .. data, "--Training:Epochs=2", $"--Training:BatchSize={BatchSize}", $"--Training:Threads={threads}", "--Checkpoints:Directory=", $"--Run:Directory={runs}"],
            dir.Path);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        return Directory.GetFiles(runs, HistoryWriter.CsvFile, SearchOption.AllDirectories).Single();
    }

    /// <summary>The compared columns of every line, found by the header's names.</summary>
    private static string[] Losses(string csv)
    {
        string[][] rows = [.. File.ReadAllLines(csv).Select(line => line.Split(','))];
        int[] columns = [.. Compared.Select(name => Array.IndexOf(rows[0], name))];
        Assert.That(columns, Has.None.Negative, $"history.csv lacks one of {string.Join(", ", Compared)}: {string.Join(",", rows[0])}");
        return [.. rows.Select(row => string.Join(",", columns.Select(c => row[c])))];
    }
}
