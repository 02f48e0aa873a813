using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Files;
using ScratchNet.Data;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Reports;

using ScratchNet.Host.Runs;
using ScratchNet.Data.Splits;
using ScratchNet.Core.Layers;

namespace ScratchNet.Host.Reports;

/// <summary>
/// At the end of training, writes the run's PNG charts: loss.png, accuracy.png, confusion.png, weights.png
/// (the first layer's weights, when it is a dense layer that sees the pixels), filters.png (the first convolution's
/// filters, when the network has one) and misclassified.png (the 25 most confident mistakes on the held-out split).
/// A chart that cannot be drawn (a native library missing) logs one warning and the others are still drawn; one the file
/// system cannot write ends the run with exit 8, as every failed write does (the model is saved before the reports).
/// </summary>
public sealed partial class PlotWriter(RunFolder folder, IOptions<ReportsOptions> options, ILogger<PlotWriter> logger) : ITrainingCallback
{
    public const int WorstCount = 25;

    /// <summary>The charts of an MLP on square images; a convolutional network gets <see cref="FiltersFile"/> in place of weights.png.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["loss.png", "accuracy.png", "confusion.png", "weights.png", "misclassified.png"];

    public const string FiltersFile = "filters.png";

    private bool _allWritten;

    public void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        _allWritten = true;
        DataSplit heldOut = context.Dataset.Validation;
        string heldOutName = context.Dataset.HeldOutName;
        Write("loss.png", () => Plots.LossCurves(result.History, heldOutName, options.Value.LogScaleLoss));
        Write("accuracy.png", () => Plots.AccuracyCurve(result.History, heldOutName));
        Write("confusion.png", () => Plots.ConfusionHeatmap(result.FinalValidation.ConfusionMatrix, result.ClassNames, heldOutName));
        if (FirstLayerWeights.Find(result.Network) is not null)
        {
            Write("weights.png", () => FirstLayerWeights.Draw(result.Network));
        }

        if (ConvolutionFilters.Find(result.Network) is not null)
        {
            Write(FiltersFile, () => ConvolutionFilters.Draw(result.Network));
        }
        Write("misclassified.png", () =>
        {
            (int height, int width) = context.Dataset.PictureSize
                ?? throw new InvalidOperationException($"the rows are {context.Dataset.InputShape}, not one grey image each");

            float[] probabilities = result.FinalValidation.Probabilities ?? Predictions.Probabilities(result.Network, heldOut);
            IReadOnlyList<Misclassification> worst = Misclassified.MostConfident(probabilities, heldOut.Labels, heldOut.ClassCount, WorstCount);
            return MisclassifiedGrid.Draw(heldOut.Features, height, width, worst, result.ClassNames, heldOutName, heldOut.Origin);
        });
        if (_allWritten)
        {
            LogWritten(logger, folder.Path);
        }
    }

    private void Write(string name, Func<byte[]> draw)
    {
        try
        {
            byte[] png = draw();

            // Each chart takes a moment to draw: the folder may have gone meanwhile, and the write would make it again.
            folder.ThrowIfNotIntact(RunFolder.ReportsNotWritten);
            AtomicFile.WriteAllBytes(Path.Combine(folder.Path, name), png, createFolder: false);
        }
        catch (Exception e) when (e is not (FileWriteException or RunOutputException))
        {
            // Charts are a by-product: whatever goes wrong drawing one (a native library missing, too little memory for
            // the plotting library's fonts under ulimit -v) must not turn a finished training run into a failure. The file
            // system's failures are the run's (exit 8).
            _allWritten = false;
            LogFailed(logger, name, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reports written to {RunFolder}")]
    private static partial void LogWritten(ILogger logger, string runFolder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the chart {Chart}: {Reason}; the training result is kept")]
    private static partial void LogFailed(ILogger logger, string chart, string reason);
}
