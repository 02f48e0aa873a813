using System.Text.Json;
using ScratchNet.Core.Metrics;
using ScratchNet.Training.Results;

namespace ScratchNet.Training.Reports;

/// <summary>The content of metrics.json: the final model judged on the held-out split.</summary>
/// <param name="Split">Which held-out rows: "validation" (a hold-out of the training pool) or "test" (the official test set).</param>
/// <param name="Epoch">The epoch whose weights were judged, those model.snm holds: the last, or the best one early stopping restored; null when not known.</param>
public sealed record MetricsReport(
    string Dataset,
    string Split,
    int Rows,
    double Accuracy,
    double Loss,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<ClassScores> Classes,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1,
    double ExpectedCalibrationError,
    int CalibrationBins,
    IReadOnlyList<CalibrationBin> Calibration,
    long[][] ConfusionMatrix,
    int? Epoch = null)
{
    /// <param name="split">"validation" or "test" (see <see cref="Data.Dataset.HeldOutName"/>).</param>
    /// <param name="probabilities">(rows, classes) softmax outputs on the held-out split, for calibration.</param>
    /// <param name="epoch">The epoch whose weights were judged (see <see cref="Epoch"/>).</param>
    public static MetricsReport Create(string dataset, string split, EvaluationResult validation, IReadOnlyList<string> classNames, ReadOnlySpan<float> probabilities, ReadOnlySpan<byte> labels, int? epoch = null)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(classNames);
        ConfusionMatrix matrix = validation.ConfusionMatrix;
        ClassificationReport report = ClassificationReport.From(matrix, classNames);
        CalibrationResult calibration = Core.Metrics.Calibration.ExpectedCalibrationError(probabilities, labels, labels.Length, matrix.Classes);
        var confusion = new long[matrix.Classes][];
        for (int a = 0; a < matrix.Classes; a++)
        {
            confusion[a] = new long[matrix.Classes];
            for (int p = 0; p < matrix.Classes; p++)
            {
                confusion[a][p] = matrix[a, p];
            }
        }

        return new MetricsReport(
            dataset, split, labels.Length, validation.Accuracy, validation.Loss, classNames, report.Classes,
            report.MacroPrecision, report.MacroRecall, report.MacroF1,
            calibration.ExpectedCalibrationError, calibration.Bins.Count, calibration.Bins, confusion, epoch);
    }

    public string ToJson() => JsonSerializer.Serialize(this, ReportJson.Options);
}
