using Microsoft.Extensions.Logging;
using ScratchNet.Files;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;

using ScratchNet.Host.Runs;

namespace ScratchNet.Host.Reports;

/// <summary>
/// At the end of training, scores the final network on the held-out split (validation or test) (per-class precision, recall, F1,
/// confusion matrix, expected calibration error) and writes <c>metrics.json</c> to the run folder.
/// A write the file system fails ends the run with exit 8 (the model is saved before the reports).
/// </summary>
public sealed partial class MetricsWriter(RunFolder folder, ILogger<MetricsWriter> logger) : ITrainingCallback
{
    public const string FileName = "metrics.json";

    public void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        float[] probabilities = result.FinalValidation.Probabilities ?? Predictions.Probabilities(result.Network, context.Dataset.Validation);
        MetricsReport report = MetricsReport.Create(context.Dataset.Name, context.Dataset.HeldOutName, result.FinalValidation, result.ClassNames, probabilities, context.Dataset.Validation.Labels, result.WeightsEpoch > 0 ? result.WeightsEpoch : null);
        folder.ThrowIfNotIntact(RunFolder.ReportsNotWritten);
        AtomicFile.WriteAllText(Path.Combine(folder.Path, FileName), report.ToJson(), createFolder: false);
        LogWritten(logger, report.Split, report.Accuracy, report.MacroF1, report.ExpectedCalibrationError, report.CalibrationBins, Path.Combine(folder.Path, FileName));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics on the {Split} split: accuracy={Accuracy:F4} macro_f1={MacroF1:F4} ece={Ece:F4} ({Bins} bins), written to {Path}")]
    private static partial void LogWritten(ILogger logger, string split, double accuracy, double macroF1, double ece, int bins, string path);
}
