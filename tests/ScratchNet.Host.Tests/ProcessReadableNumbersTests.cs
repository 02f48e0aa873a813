using System.Globalization;
using System.Text.RegularExpressions;
using ScratchNet.Host.Reports;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests;

/// <summary>
/// A diverging run's losses can be astronomical and still finite (1.7e37): the console's log lines and evaluate's result
/// write them in exponent form, through the one format provider of the shipped console sink, while ordinary values keep
/// their four decimals and the history files keep the exact number.
/// </summary>
[Category("Integration")]
public sealed partial class ProcessReadableNumbersTests
{
    [GeneratedRegex(@"(?:loss|val_loss|train_loss)=(\S+?)(?=\s|$)", RegexOptions.Multiline)]
    private static partial Regex Losses();

    [Test]
    public void AstronomicalLosses_AreWrittenInExponentForm_OrdinaryOnesWithFourDecimals()
    {
        using var dir = new TempDirectory();
        string[] data = SyntheticIdx.Write(dir.Combine("idx"), trainRows: 200, testRows: 50);
        HostResult trained = HostProcess.Run(
            ["train", .. data, "--Progress:Enabled=false", "--Training:Epochs=2", "--Training:BatchSize=200", "--Optimizer:LearningRate=100000", "--Checkpoints:Directory="], dir.Path);
        Assert.That(trained.ExitCode, Is.EqualTo(0), trained.ToString());
        string folder = Directory.GetDirectories(dir.Combine("runs")).Single();
        HostResult evaluated = HostProcess.Run(["evaluate", "--model", Path.Combine(folder, ModelSaver.FileName)], dir.Path);
        Assert.That(evaluated.ExitCode, Is.EqualTo(0), evaluated.ToString());

        string[] printed = [.. Losses().Matches(trained.Stdout + evaluated.Stdout).Select(m => m.Groups[1].Value)];
        Assert.That(printed, Has.Length.GreaterThanOrEqualTo(6), trained.Stdout);
        Assert.That(printed, Has.All.Match(@"^(-?\d{1,6}\.\d{4}|-?\d\.\d{3}E[+-]\d{2})$"), "four decimals below 1e6, exponent form from there");
        Assert.That(printed, Has.Some.Match(@"^\d{1,6}\.\d{4}$"), "the first batch's training loss is ordinary");
        Assert.That(printed, Has.Some.Contain("E+"), "the run's loss grows past 1e6");

        string lastValLoss = File.ReadAllLines(Path.Combine(folder, HistoryWriter.CsvFile))[^1].Split(',')[3];
        double exact = double.Parse(lastValLoss, CultureInfo.InvariantCulture);
        Assert.That(exact, Is.GreaterThanOrEqualTo(1e6).And.LessThan(double.MaxValue));
        Assert.That(evaluated.Stdout, Does.Contain($"loss={exact.ToString("0.000E+00", CultureInfo.InvariantCulture)} "), "evaluate repeats the run's last loss");
        Assert.That(lastValLoss, Does.Not.Match(@"^\d\.\d{3}E\+\d\d$"), "history.csv keeps every digit of the number");
    }
}
