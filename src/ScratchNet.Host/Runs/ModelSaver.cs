using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScratchNet.Files;
using ScratchNet.Models;
using ScratchNet.Training.Callbacks;
using ScratchNet.Training.Results;
using ScratchNet.Training.Options;

using ScratchNet.Host.Runs;

namespace ScratchNet.Host.Runs;

/// <summary>
/// Saves every finished run's network as <c>model.snm</c> in the run folder, with its configuration and manifest: any network
/// Model:Layers describes, batch norm's running statistics included. A network holding a custom layer brought in through DI,
/// which files cannot describe, is not saved: one warning says so.
/// </summary>
/// <param name="startingWeights">The data the Model:InitFrom weights had trained on, which the model carries as its data history; none when null.</param>
public sealed partial class ModelSaver(RunFolder runFolder, IConfiguration configuration, IOptions<TrainingOptions> training, ILogger<ModelSaver> logger, StartingWeights? startingWeights = null, UserLines? userLines = null) : ITrainingCallback
{
    public const string FileName = "model.snm";

    public string ModelPath => Path.Combine(runFolder.Path, FileName);

    /// <summary>Where the trained model was saved: <see cref="ModelPath"/>, or the temp folder when the run folder refused it; null until then.</summary>
    public string? SavedPath { get; private set; }

    public void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Network.Layers.FirstOrDefault(l => !SavedModel.Holds(l)) is { } layer)
        {
            LogSkipped(logger, FileName, layer.Name, layer.GetType().Name);
            return;
        }

        RunManifest manifest = RunRecord.Manifest(training.Value.Seed, context.Dataset);
        SavedModel model = SavedModel.FromNetwork(result.Network, RunRecord.Configuration(configuration), manifest, context.Dataset.InputShape) with
        {
            DataHistory = startingWeights?.DataHistory ?? [],
        };
        try
        {
            ModelFile.Save(model, ModelPath, ModelFormat.Native);
            SavedPath = ModelPath;
        }
        catch (FileWriteException e)
        {
            // The run folder's disk is full or gone: a trained network is worth saving anywhere that takes it.
            string fallback = RescuePoint.InTempFolder(runFolder.Id, FileName);
            try
            {
                ModelFile.Save(model, fallback, ModelFormat.Native);
                SavedPath = fallback;
            }
            catch (FileWriteException f)
            {
                // What is kept instead (a resume point, or nothing) is said by the run's RescuePoint.
                throw new RunOutputException($"{e.Message}; saving it to {ShownName.Of(fallback)} instead failed too{(f.Reason == e.Reason ? string.Empty : $" ({f.Reason})")}", e);
            }

            throw new RunOutputException($"{e.Message}; the model was saved to {ShownName.Of(fallback)} instead, and the reports were not written.", e);
        }

        // Where the model went is a result: printed at any log level.
        string saved = Path.GetFullPath(ModelPath);
        (userLines ?? UserLines.Logged).WriteResult(logger, l => LogSaved(l, saved, manifest.DatasetSha256));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Did not write {FileName}: layer {Layer} is a {Type}, which model files cannot describe (they hold the layers of Model:Layers); the checkpoints keep the trained weights")]
    private static partial void LogSkipped(ILogger logger, string fileName, string layer, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved the model to {ModelPath} (dataset SHA-256 {DatasetSha256})")]
    private static partial void LogSaved(ILogger logger, string modelPath, string datasetSha256);
}
