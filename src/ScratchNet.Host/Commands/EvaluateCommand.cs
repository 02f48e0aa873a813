using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Files;
using ScratchNet.Core.Layers;
using ScratchNet.Data;
using ScratchNet.Data.Options;
using ScratchNet.Host.Settings;
using ScratchNet.Models;
using ScratchNet.Training;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;
using ScratchNet.Training.Reports;
using ScratchNet.Data.Splits;

namespace ScratchNet.Host.Commands;

/// <summary>Scores a saved model on the configured dataset's held-out split: loss, accuracy, confusion matrix.</summary>
public sealed partial class EvaluateCommand(
    IDatasetProvider datasetProvider,
    IOptions<DataOptions> data,
    IOptions<TrainingOptions> training,
    ResultWriter results,
    ILogger<EvaluateCommand> logger) : ICommand
{
    public async Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        await EvaluateAsync(ModelOption.Require(commandLine, "evaluate --model runs/20260101-120000-8f3a9c1e/model.snm"), cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    public async Task<EvaluationResult> EvaluateAsync(string modelPath, CancellationToken cancellationToken)
    {
        SavedModel model = ModelFile.Load(modelPath);
        (string Key, string Trained, string Current)[] differences = [.. TrainedData.Differences(model.Configuration, data.Value)];
        WarnIfDataDiffers(model, modelPath, differences);
        Dataset dataset = await datasetProvider.LoadAsync(cancellationToken).ConfigureAwait(false);
        WarnIfFilesChanged(model, dataset, modelPath, settingsDiffer: differences.Length > 0);
        DataSplit split = dataset.Validation;

        // Never more rows at once than the split has.
        int chunk = Math.Max(1, Math.Min(training.Value.EvaluationBatchSize, split.Count));
        CheckChunk(model, modelPath, chunk);
        Sequential network = model.CreateNetwork(chunk, modelPath);
        if (network.InputSize != split.FeatureCount || network.OutputSize != split.ClassCount)
        {
            throw ModelFileException.Model(
                modelPath,
                $"takes {network.InputSize} inputs and gives {network.OutputSize} classes, but the {dataset.Name} data has {split.FeatureCount} features and {split.ClassCount} classes",
                "evaluate it on the data it was trained on (Data:Dataset, Data:Directory)");
        }

        // A network on images must see them as they are: 784 values are not the same input as 1 × 28 × 28 read otherwise;
        // nor are an MLP's 240 values of 12 × 20 images those of 20 × 12 ones.
        if ((!network.InputShape.IsFlat || (model.ImageShape is not null && !dataset.InputShape.IsFlat)) && model.DataShape != dataset.InputShape)
        {
            throw ModelFileException.Model(
                modelPath,
                $"takes {model.DataShape} images, but the {dataset.Name} data has {dataset.InputShape} inputs",
                "evaluate it on the data it was trained on (Data:Dataset, Data:Directory)");
        }

        EvaluationResult result = new Evaluator(chunk, split.ClassCount).Evaluate(network, split, cancellationToken: cancellationToken);

        // From finite logits the cross-entropy is finite (it is taken from them where a probability underflows), so a NaN or
        // infinite loss means some row's outputs overflowed: its accuracy and confusion matrix count argmaxes of NaN.
        if (!double.IsFinite(result.Loss))
        {
            throw NonFiniteOutputs.Refusal(modelPath, network, $"the {split.Count} images of the {SplitDescription(data.Value)}");
        }

        results.WriteLine(string.Create(ReadableNumbers.Provider, $"Evaluated {ShownName.Of(modelPath)} on the {SplitDescription(data.Value)}, {split.Count} images: loss={result.Loss:F4} accuracy={result.Accuracy:F4}"));
        results.WriteLine($"Confusion matrix (rows true, columns predicted):\n{ConfusionMatrixTable.Format(result.ConfusionMatrix, dataset.ClassNames)}");
        return result;
    }

    // A value beyond its limit is the configuration's fault, not the model's (exit 2, not 5): name the key and a value that works.
    private void CheckChunk(SavedModel model, string modelPath, int chunk)
    {
        long valuesPerRow = model.ValuesPerRow(modelPath);
        int most = NetworkLimits.MaxRows(valuesPerRow);
        if (chunk > most)
        {
            throw new ConfigurationException([string.Create(CultureInfo.InvariantCulture,
                $"Training:EvaluationBatchSize {training.Value.EvaluationBatchSize}: the model {ShownName.Of(modelPath)} takes {valuesPerRow:N0} values per image, too many for {chunk:N0} images at once (at most {NetworkLimits.MaxBatchValues:N0} values in one pass); the limit is Training:EvaluationBatchSize ≤ {most}")]);
        }
    }

    internal static string SplitDescription(DataOptions options) =>
        string.Equals(options.Split, DataOptions.OfficialSplit, StringComparison.OrdinalIgnoreCase)
            ? "official test split (the t10k images)"
            : $"validation hold-out (Data:Split=random: {options.ValidationFraction:P0} of all images, Data:Seed={options.Seed})";

    // Scores on another dataset than the model learned, or on a random hold-out drawn with other settings (which overlaps
    // that run's training rows, or those of any run its weights descend from, and flatters the score), are numbers a user
    // would misread: say so before them.
    /// <param name="differences">The data settings that differ from the model's run (<see cref="TrainedData.Differences"/>).</param>
    private void WarnIfDataDiffers(SavedModel model, string modelPath, IEnumerable<(string Key, string Trained, string Current)> differences)
    {
        foreach ((string key, string trained, string current) in differences)
        {
            if (key == "Data:Dataset")
            {
                LogDatasetDiffers(logger, trained, current);
            }
        }

        TrainedData.Overlap(TrainedData.Seen(modelPath, model.Configuration, model.DataHistory), data.Value).Report(
            modelPath,
            splits => LogNoSplitAvoidsThem(logger, splits),
            (trained, current, argument) => LogSplitDiffers(logger, trained, current, argument),
            (ancestor, trained, current, argument) => LogAncestorSplitDiffers(logger, ancestor, trained, current, argument),
            ancestor => LogAncestryUnknown(logger, ancestor));
    }

    // The same settings over other bytes: the files were replaced or edited since the model trained, so a random hold-out
    // drawn from them may hold rows it trained on, and an official test split is not the one it was scored beside.
    // Checked only where the settings agree (any that differ were warned about above, and change the hash themselves).
    private void WarnIfFilesChanged(SavedModel model, Dataset dataset, string modelPath, bool settingsDiffer)
    {
        if (model.Manifest is not { DatasetSha256.Length: > 0 } manifest || settingsDiffer)
        {
            return;
        }

        // The hash covers the training sample, so another sample size hashes other data: the files cannot be compared.
        string trained = model.Configuration.GetValueOrDefault(TrainImagesKey, string.Empty);
        string now = data.Value.TrainImages?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        if (!TrainedData.SameText(trained, now))
        {
            LogFilesUnchecked(logger, trained.Length == 0 ? "unset" : trained, now.Length == 0 ? "unset" : now, modelPath);
            return;
        }

        if (DatasetHash.Identifies(dataset, manifest.DatasetSha256))
        {
            return;
        }

        // The official test files are never trained on; a random hold-out drawn from changed files may hold training rows.
        string consequence = string.Equals(data.Value.Split, DataOptions.OfficialSplit, StringComparison.OrdinalIgnoreCase)
            ? "so the test images or labels are not the ones it was scored on"
            : "so the held-out images are not the ones it was scored on and may include ones it trained on";
        LogFilesChanged(logger, ResumePoint.DataLocation(data.Value), modelPath, ResumePoint.Short(DatasetHash.Sha256(dataset)), ResumePoint.Short(manifest.DatasetSha256), consequence);
    }

    private const string TrainImagesKey = "Data:TrainImages";


    [LoggerMessage(Level = LogLevel.Warning, Message = "The model was trained with {Trained}, but this evaluation uses {Current}; the held-out images may include ones it trained on. Pass {Argument} to evaluate on its own hold-out")]
    private static partial void LogSplitDiffers(ILogger logger, string trained, string current, string argument);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model's weights descend from {Ancestor}, trained with {Trained}, but this evaluation uses {Current}; the held-out images may include ones they trained on. Pass {Argument} to evaluate on the rows none of them saw")]
    private static partial void LogAncestorSplitDiffers(ILogger logger, string ancestor, string trained, string current, string argument);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model and the weights it descends from were trained on this data under different splits ({Splits}): every hold-out of it includes images some of them trained on, so this score flatters the model, and no Data:Split avoids them all")]
    private static partial void LogNoSplitAvoidsThem(ILogger logger, string splits);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model's weights descend from {Ancestor}, whose file does not record the data it was trained on: an overlap of the held-out images with the images they trained on cannot be ruled out, so this score may flatter the model")]
    private static partial void LogAncestryUnknown(ILogger logger, string ancestor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Whether the data files changed since {ModelPath} was trained cannot be checked with Data:TrainImages {Now} (the model's run had {Trained}, and the data's hash covers that sample; it does not change the held-out images): leave --Data:TrainImages out to have it checked")]
    private static partial void LogFilesUnchecked(ILogger logger, string trained, string now, string modelPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The data in {Data} is not the data {ModelPath} was trained on (SHA-256 {Now} now, {Trained} in the model): the files changed since, {Consequence}")]
    private static partial void LogFilesChanged(ILogger logger, string data, string modelPath, string now, string trained, string consequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model was trained on Data:Dataset={Trained}, but this evaluation reads {Current}; its classes may mean other things there. Pass --Data:Dataset={Trained} to score it on its own data")]
    private static partial void LogDatasetDiffers(ILogger logger, string trained, string current);
}
