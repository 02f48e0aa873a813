using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Core.Layers;
using ScratchNet.Files;
using ScratchNet.Models;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Metrics;
using ScratchNet.Training.Options;

using ScratchNet.Host.Runs;

namespace ScratchNet.Host.Models;

/// <summary>
/// Saves every finished run's network as <c>model.snm</c> in the run folder, with its configuration and manifest. A network
/// with layers model files cannot hold yet (convolutions, pooling, batch norm) is not saved: one warning says so.
/// </summary>
public sealed partial class ModelSaver(RunFolder runFolder, IConfiguration configuration, IOptions<TrainingOptions> training, ILogger<ModelSaver> logger) : ITrainingCallback
{
    public const string FileName = "model.snm";

    public string ModelPath => Path.Combine(runFolder.Path, FileName);

    public void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Network.Layers.FirstOrDefault(l => !SavedModel.Holds(l)) is { } layer)
        {
            // TODO(issue 13, model files for CNNs): write conv, pooling, flatten and batch norm layers, then drop this skip.
            LogSkipped(logger, FileName, layer.Name, LayerDefinition.TryOf(layer)?.ToString() ?? layer.GetType().Name);
            return;
        }

        RunManifest manifest = RunRecord.Manifest(training.Value.Seed, context.Dataset);
        SavedModel model = SavedModel.FromNetwork(result.Network, RunRecord.Configuration(configuration), manifest);
        try
        {
            ModelFile.Save(model, ModelPath, ModelFormat.Native);
        }
        catch (FileWriteException e)
        {
            // The run folder's disk is full or gone: a trained network is worth saving anywhere that takes it.
            string fallback = Path.Combine(Path.GetTempPath(), $"scratchnet-{runFolder.Id}-{FileName}");
            try
            {
                ModelFile.Save(model, fallback, ModelFormat.Native);
            }
            catch (FileWriteException)
            {
                throw new RunOutputException($"{e.Message}; saving it to {fallback} instead failed too. The last checkpoint of the run holds the trained weights (train --resume FILE continues from it)", e);
            }

            throw new RunOutputException($"{e.Message}; the model was saved to {fallback} instead", e);
        }

        LogSaved(logger, Path.GetFullPath(ModelPath), manifest.DatasetSha256);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Did not write {FileName}: model files hold dense networks only so far, and layer {Layer} ({Definition}) is not dense; the checkpoints keep the trained weights")]
    private static partial void LogSkipped(ILogger logger, string fileName, string layer, string definition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved the model to {ModelPath} (dataset SHA-256 {DatasetSha256})")]
    private static partial void LogSaved(ILogger logger, string modelPath, string datasetSha256);
}
