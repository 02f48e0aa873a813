using System.Globalization;
using System.Text;
using System.Text.Json;
using ScratchNet.Training.Metrics;

namespace ScratchNet.Training.Reports;

/// <summary>One row of history.csv / history.json.</summary>
public sealed record HistoryRow(int Epoch, double TrainLoss, double ValLoss, double ValAcc, double TrainSeconds, double EvalSeconds)
{
    public static HistoryRow From(EpochMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new(m.Epoch, m.TrainLoss, m.ValidationLoss, m.ValidationAccuracy, m.TrainSeconds, m.EvaluationSeconds);
    }
}

/// <summary>Formats the per-epoch history as CSV (header + one row per epoch) and as a JSON array.</summary>
public static class History
{
    public const string CsvHeader = "epoch,train_loss,val_loss,val_acc,train_seconds,eval_seconds";

    /// <summary>Numbers in invariant culture, round-trip precision ("R"), so a reader gets back the exact doubles.</summary>
    public static string ToCsv(IEnumerable<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder().Append(CsvHeader).Append('\n');
        foreach (HistoryRow r in history.Select(HistoryRow.From))
        {
            text.Append(r.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(r.TrainLoss)).Append(',')
                .Append(Number(r.ValLoss)).Append(',')
                .Append(Number(r.ValAcc)).Append(',')
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

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
