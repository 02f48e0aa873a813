using Microsoft.Extensions.Configuration;
using ScratchNet.Host.Runs;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Options;

namespace ScratchNet.Host.Settings;

/// <summary>
/// The settings a checkpoint was written under (Data, Model, Training, Optimizer, Schedule), as a configuration source, so
/// that <c>train --resume</c> continues a run started with <c>--Training:Epochs=5</c> or a recipe without the user
/// repeating them. It sits right above appsettings.json and the recipe: a --config file, environment variables and the
/// command line still win, and where they set a key otherwise <see cref="Commands.ResumePoint"/> refuses, naming it.
/// </summary>
public sealed class ResumedSettings(string checkpoint, IReadOnlyDictionary<string, string> settings) : IConfigurationSource
{
    /// <summary>The checkpoint the settings come from, as config.json names their source.</summary>
    public string Checkpoint { get; } = checkpoint;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this, settings);

    /// <summary>
    /// The settings of the checkpoint a <c>train</c> is about to resume, or null when it resumes nothing or the checkpoint
    /// cannot be read (the run's own selection and <see cref="Commands.ResumePoint"/> then report why, in one line).
    /// </summary>
    /// <param name="resume">null, <see cref="RunCatalog.Latest"/>, or a checkpoint file.</param>
    public static ResumedSettings? Find(string? resume, IConfiguration configuration)
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
                ? new ResumedSettings(Path.GetFullPath(path), checkpoint.Settings)
                : null;
        }
        catch (Exception e) when (e is CheckpointException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The provider, a type of its own so that config.json can name the checkpoint as the source of its values.</summary>
    public sealed class Provider(ResumedSettings source, IReadOnlyDictionary<string, string> settings) : ConfigurationProvider
    {
        public ResumedSettings Source { get; } = source;

        public override void Load() => Data = settings.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);
    }
}
