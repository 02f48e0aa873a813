using Microsoft.Extensions.Configuration;
using ScratchNet.Host.Runs;
using ScratchNet.Models;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Options;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Settings an earlier run recorded, as a configuration source right above appsettings.json, so that a
/// command continuing that run's work does not make the user repeat them: <c>train --resume</c> takes the checkpoint's
/// (Data, Model, Training, Optimizer, Schedule: a run started with <c>--Training:Epochs=5</c> continues with 5), and
/// <c>evaluate --model</c> the data the model was trained on (a Fashion-MNIST model is scored on Fashion-MNIST). A
/// recipe, a --config file, environment variables and the command line still win; where they set a key otherwise, the
/// command says so (<see cref="Commands.ResumePoint"/> refuses, <c>evaluate</c> warns).
/// </summary>
/// <param name="description">Where the values came from, as config.json and messages name their source.</param>
public sealed class RecordedSettings(string description, IReadOnlyDictionary<string, string> settings) : IConfigurationSource
{
    // The data a model's scores depend on; not where files are fetched from, which is this machine's business.
    private static readonly string[] DataKeys = ["Data:Dataset", "Data:Directory", "Data:ClassNames", "Data:Split", "Data:Seed", "Data:ValidationFraction"];

    public string Description { get; } = description;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this, settings);

    /// <summary>
    /// The settings of the checkpoint a <c>train</c> is about to resume, or null when it resumes nothing or the checkpoint
    /// cannot be read (the run's own selection and <see cref="Commands.ResumePoint"/> then report why, in one line).
    /// </summary>
    /// <param name="resume">null, <see cref="RunCatalog.Latest"/>, or a checkpoint file.</param>
    public static RecordedSettings? OfCheckpoint(string? resume, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(resume))
        {
            return null;
        }

        string? path = resume;
        if (string.Equals(resume, RunCatalog.Latest, StringComparison.OrdinalIgnoreCase))
        {
            string root = Path.GetFullPath(configuration[$"{RunOptions.SectionName}:{nameof(RunOptions.Directory)}"] ?? new RunOptions().Directory);
            path = RunCatalog.LatestInterrupted(root, configuration[$"{CheckpointOptions.SectionName}:{nameof(CheckpointOptions.Directory)}"] ?? new CheckpointOptions().Directory)?.Checkpoint;
        }

        try
        {
            return path is not null && CheckpointFile.Load(path) is { Settings.Count: > 0 } checkpoint
                ? new RecordedSettings(ConfigurationSources.ResumedFrom + Path.GetFullPath(path), checkpoint.Settings)
                : null;
        }
        catch (Exception e) when (e is CheckpointException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The data settings a model file records (dataset, folder, class names, split), or null when it records none or
    /// cannot be read (the command then reports why when it loads the model).
    /// </summary>
    public static RecordedSettings? OfModel(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        try
        {
            IReadOnlyDictionary<string, string> recorded = ModelFile.Load(path).Configuration;
            Dictionary<string, string> data = DataKeys.Where(recorded.ContainsKey).ToDictionary(k => k, k => recorded[k]);
            return data.Count > 0 ? new RecordedSettings($"the model file {Path.GetFullPath(path)}", data) : null;
        }
        catch (Exception e) when (e is ModelFileException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The provider, a type of its own so that config.json and messages can name where its values came from.</summary>
    public sealed class Provider(RecordedSettings source, IReadOnlyDictionary<string, string> settings) : ConfigurationProvider
    {
        public RecordedSettings Source { get; } = source;

        public override void Load() => Data = settings.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);
    }
}
