using System.Globalization;
using System.Text;
using System.Text.Json;
using ScratchNet.Training.Results;

namespace ScratchNet.Training.Reports;

/// <summary>One row of history.csv / history.json.</summary>
/// <remarks>TrainAcc and LearningRate are null where unknown (an epoch resumed from a version 1 checkpoint).</remarks>
public sealed record HistoryRow(int Epoch, double TrainLoss, double? TrainAcc, double ValLoss, double ValAcc, double? LearningRate, double TrainSeconds, double EvalSeconds)
{
    public static HistoryRow From(EpochMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new(m.Epoch, m.TrainLoss, Known(m.TrainAccuracy), m.ValidationLoss, m.ValidationAccuracy, Known(AsWritten(m.LearningRate)), m.TrainSeconds, m.EvaluationSeconds);
    }

    // The optimizer's rate is a float; widened to double, 0.003f prints as 0.003000000026077032. Its shortest round-trip
    // form (0.003) is the rate as configured, and parsing it back to a float gives the optimizer's value exactly.
    private static double AsWritten(double rate) =>
        double.IsFinite(rate) ? double.Parse(((float)rate).ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : rate;

    private static double? Known(double value) => double.IsNaN(value) ? null : value;
}

/// <summary>Formats the per-epoch history as CSV (header + one row per epoch) and as a JSON array.</summary>
public static class History
{
    public const string CsvHeader = "epoch,train_loss,train_acc,val_loss,val_acc,learning_rate,train_seconds,eval_seconds";

    /// <summary>Numbers in invariant culture, round-trip precision ("R"), so a reader gets back the exact doubles.</summary>
    public static string ToCsv(IEnumerable<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder().Append(CsvHeader).Append('\n');
        foreach (HistoryRow r in history.Select(HistoryRow.From))
        {
            text.Append(r.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(r.TrainLoss)).Append(',')
                .Append(Number(r.TrainAcc)).Append(',')
                .Append(Number(r.ValLoss)).Append(',')
                .Append(Number(r.ValAcc)).Append(',')
                .Append(Number(r.LearningRate)).Append(',')
                .Append(Number(r.TrainSeconds)).Append(',')
                .Append(Number(r.EvalSeconds)).Append('\n');
        }

        return text.ToString();
    }

    public static string ToJson(IEnumerable<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return JsonSerializer.Serialize(history.Select(HistoryRow.From).ToArray(), ReportJson.Options);
    }

    // An unknown value is an empty field, as pandas reads a missing value.
    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;
}
