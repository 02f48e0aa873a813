using ScratchNet.Data;
using ScratchNet.Data.Options;
using ScratchNet.Data.Sources;
using ScratchNet.Files;
using ScratchNet.Host.Runs;
using ScratchNet.Training.Checkpoints;

namespace ScratchNet.Host.Commands;

/// <summary>Loads and checks the checkpoint a <c>train --resume [FILE]</c> (or Checkpoints:ResumeFrom) continues; <see cref="RunFolderSelection"/> chose it.</summary>
public static class ResumePoint
{
    /// <param name="sourceOf">Where a setting of this session comes from, named in a refusal (see <see cref="ConfigurationFingerprint.Differences"/>).</param>
    /// <returns>The checkpoint, or null when this run is not a resume.</returns>
    /// <exception cref="CheckpointException">Missing, damaged, or written under other settings (naming every key that differs).</exception>
    public static Checkpoint? Load(RunFolder folder, ConfigurationFingerprint fingerprint, Func<string, string?>? sourceOf = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (folder.ResumeCheckpoint is not { } path)
        {
            return null;
        }

        Checkpoint checkpoint;
        try
        {
            // Chosen from a run's resume points a moment ago: another process pruned it since (the run owning that
            // checkpoint folder is training, and this is a copy of it resuming from its points).
            if (folder.Continues && !File.Exists(path) && Path.GetDirectoryName(path) is { } points && Directory.Exists(points))
            {
                throw CheckpointException.About(path, $"was removed a moment later, though chosen as this run's resume point: a run training into {ShownName.Of(points)} prunes its older points; resume again once that run has stopped");
            }

            checkpoint = CheckpointFile.Load(path);
        }
        catch (CheckpointException e) when (e.Damaged && OlderBeside(path) is { } older)
        {
            // A resume point damaged by a crash mid-write or a bad disk: the one before it usually is not.
            throw new CheckpointException($"{e.Message.TrimEnd('.')}. The resume point before it may be intact: {ResumeCommand.For(older)}", damaged: true);
        }

        if (checkpoint.Settings.Count > 0)
        {
            IReadOnlyList<string> differences = ConfigurationFingerprint.Differences(checkpoint.Settings, fingerprint.Settings(), sourceOf);
            if (differences.Count > 0)
            {
                throw CheckpointException.About(
                    path, $"was written under other settings — {string.Join("; ", differences)}. A resumed run keeps its checkpoint's settings: leave out the recipe, --config file, environment variables or command-line keys that change them (Training:Threads may differ), or train afresh without --resume");
            }
        }
        else if (!string.Equals(checkpoint.ConfigurationHash, fingerprint.LegacyHash(), StringComparison.Ordinal))
        {
            throw CheckpointException.About(
                path, "was written under other settings (Data, Model, Training, Optimizer or Schedule differ; this older checkpoint records only their hash, so the keys cannot be named); resume with the settings and --recipe of the interrupted run, or train afresh without --resume");
        }

        // Written by a run whose last update of an epoch ruined the weights, before the trainer checked each epoch's
        // validation loss: training on from it repeats the divergence, and its history cannot be written as JSON.
        if (checkpoint.Tensors.FirstOrDefault(t => t.Key.StartsWith("param/", StringComparison.Ordinal) && !t.Value.All(float.IsFinite)).Key is { } ruined)
        {
            throw CheckpointException.About(path, $"holds weights that are not finite ({ruined["param/".Length..]}): it was written after the run diverged, and training on from it, or from the points before it, would diverge again; train afresh with a lower Optimizer:LearningRate");
        }

        return checkpoint;
    }

    /// <summary>
    /// Refuses a checkpoint whose data is not the data loaded now: training on other rows from its position would not
    /// continue the run it saved. Call it only for a checkpoint that records its data (<see cref="Checkpoint.DatasetSha256"/>).
    /// </summary>
    /// <param name="path">The checkpoint's file.</param>
    /// <param name="checkpoint">The checkpoint read from it.</param>
    /// <param name="dataset">The data loaded now.</param>
    /// <param name="data">Where that data was read from, as the message names it (see <see cref="DataLocation"/>).</param>
    /// <exception cref="CheckpointException">The checkpoint's hash does not name this data (<see cref="DatasetHash.Identifies"/>).</exception>
    public static void CheckData(string path, Checkpoint checkpoint, Dataset dataset, string data)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(dataset);
        if (!DatasetHash.Identifies(dataset, checkpoint.DatasetSha256))
        {
            throw new CheckpointException(
                $"the data in {data} is not the data {ShownName.Of(path)} trained on (SHA-256 {Short(DatasetHash.Sha256(dataset))} now, {Short(checkpoint.DatasetSha256)} in the checkpoint), so resuming would not continue the run exactly; put back the files it trained on, or train afresh without --resume");
        }
    }

    /// <summary>The folder the configured data is read from, as a line shows it (ShownName): Data:Directory for an IDX folder, else the dataset's cache folder.</summary>
    public static string DataLocation(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(options.Dataset, DatasetCatalog.Idx, StringComparison.OrdinalIgnoreCase))
        {
            return $"{ShownName.Of(CacheLocation.DatasetDirectory(options.CacheDirectory, options.Dataset))} (Data:Dataset={options.Dataset})";
        }

        return string.IsNullOrWhiteSpace(options.Directory) ? "Data:Directory" : ShownName.Of(FolderPath.Full(options.Directory));
    }

    /// <summary>The first 12 hex digits of a SHA-256, as messages quote it.</summary>
    public static string Short(string sha256) => sha256.Length > 12 ? sha256[..12] : sha256;

    private static string? OlderBeside(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is null
            ? null
            : new CheckpointDirectory(folder, 1).ResumePoints().FirstOrDefault(p => string.CompareOrdinal(Path.GetFileName(p), Path.GetFileName(path)) < 0);
    }
}
