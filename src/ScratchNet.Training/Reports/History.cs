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
/// <remarks>
/// Each file is the concatenation of its rows' texts (<see cref="CsvRow"/>, <see cref="JsonRow"/>), so a writer can add
/// an epoch to the end of a file without writing the epochs before it again: thousands of epochs are not a quadratic cost.
/// </remarks>
public static class History
{
    public const string CsvHeader = "epoch,train_loss,train_acc,val_loss,val_acc,learning_rate,train_seconds,eval_seconds";

    /// <summary>Numbers in invariant culture, round-trip precision ("R"), so a reader gets back the exact doubles.</summary>
    public static string ToCsv(IEnumerable<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder().Append(CsvHeader).Append('\n');
        foreach (EpochMetrics m in history)
        {
            text.Append(CsvRow(m));
        }

        return text.ToString();
    }

    /// <summary>One epoch's line of <see cref="ToCsv"/>, its newline included.</summary>
    public static string CsvRow(EpochMetrics metrics)
    {
        HistoryRow r = HistoryRow.From(metrics);
        return new StringBuilder()
            .Append(r.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(Number(r.TrainLoss)).Append(',')
            .Append(Number(r.TrainAcc)).Append(',')
            .Append(Number(r.ValLoss)).Append(',')
            .Append(Number(r.ValAcc)).Append(',')
            .Append(Number(r.LearningRate)).Append(',')
            .Append(Number(r.TrainSeconds)).Append(',')
            .Append(Number(r.EvalSeconds)).Append('\n').ToString();
    }

    public static string ToJson(IEnumerable<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        string[] rows = [.. history.Select(JsonRow)];
        return rows.Length == 0 ? JsonSerializer.Serialize(Array.Empty<HistoryRow>(), ReportJson.Options) : $"[{string.Join(JsonSeparator, rows)}{JsonEnd}";
    }

    /// <summary>
    /// One epoch's object as <see cref="ToJson"/> has it inside the array: a non-empty array is <c>[</c>, the rows joined by
    /// <see cref="JsonSeparator"/>, then <see cref="JsonEnd"/>. Taken from the serializer's own text of a one-row array, so
    /// the file is the same, byte for byte, as the serializer writes the whole array.
    /// </summary>
    public static string JsonRow(EpochMetrics metrics)
    {
        string single = JsonSerializer.Serialize(new[] { HistoryRow.From(metrics) }, ReportJson.Options);
        return single[1..^JsonEnd.Length];
    }

    /// <summary>What ends a non-empty <see cref="ToJson"/> array, after its last row.</summary>
    public static string JsonEnd { get; } = JsonSerializer.Serialize(new[] { 0 }, ReportJson.Options) is var probe ? probe[(probe.LastIndexOf('0') + 1)..] : string.Empty;

    /// <summary>What stands between two rows of a <see cref="ToJson"/> array.</summary>
    public const string JsonSeparator = ",";

    // An unknown value is an empty field, as pandas reads a missing value.
    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;
}
