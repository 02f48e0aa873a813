using System.Text.Json;
using ScratchNet.Core.Metrics;
using ScratchNet.Training.Metrics;

namespace ScratchNet.Training.Reports;

/// <summary>The content of metrics.json: the final model judged on the validation split.</summary>
public sealed record MetricsReport(
    string Dataset,
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
    long[][] ConfusionMatrix)
{
    /// <param name="probabilities">(rows, classes) softmax outputs on the validation split, for calibration.</param>
    public static MetricsReport Create(string dataset, EvaluationResult validation, IReadOnlyList<string> classNames, ReadOnlySpan<float> probabilities, ReadOnlySpan<byte> labels)
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
            dataset, labels.Length, validation.Accuracy, validation.Loss, classNames, report.Classes,
            report.MacroPrecision, report.MacroRecall, report.MacroF1,
            calibration.ExpectedCalibrationError, calibration.Bins.Count, calibration.Bins, confusion);
    }

    public string ToJson() => JsonSerializer.Serialize(this, ReportJson.Options);
}
