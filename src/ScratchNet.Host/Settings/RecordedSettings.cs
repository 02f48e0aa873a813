using Microsoft.Extensions.Configuration;
using ScratchNet.Files;
using ScratchNet.Host.Runs;
using ScratchNet.Models;
using ScratchNet.Training.Checkpoints;
using ScratchNet.Training.Options;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Settings an earlier run recorded, as a configuration source right above appsettings.json, so that a
/// command continuing that run's work does not make the user repeat them: <c>train --resume</c> takes the checkpoint's
/// (Data, Model, Training, Optimizer, Schedule: a run started with <c>--Training:Epochs=5</c> continues with 5),
/// <c>evaluate --model</c> the data the model was trained on (a Fashion-MNIST model is scored on Fashion-MNIST), and a
/// <c>train</c> with <c>Model:InitFrom</c> the network of the file it starts from. A
/// recipe, a --config file, environment variables and the command line still win; where they set a key otherwise, the
/// command says so (<see cref="Commands.ResumePoint"/> refuses, <c>evaluate</c> warns).
/// </summary>
/// <param name="description">Where the values came from, as config.json and messages name their source.</param>
public sealed class RecordedSettings(string description, IReadOnlyDictionary<string, string> settings) : IConfigurationSource
{
    private readonly IReadOnlyDictionary<string, string> _settings = settings;

    // The data a model's scores depend on; not where files are fetched from, which is this machine's business. The training
    // sample's size leaves the held-out rows as they are, but the data's hash covers the sample: with it, evaluate hashes
    // the data as the model's run did, so files edited since are noticed.
    private static readonly string[] DataKeys = ["Data:Dataset", "Data:Directory", "Data:ClassNames", "Data:Split", "Data:Seed", "Data:ValidationFraction", "Data:TrainImages"];

    // The network a model's weights fit (Model:Layers' entries are Model:Layers:0, :1, …).
    private static readonly string[] ArchitectureKeys = ["Model:Layers", "Model:LayerSizes", "Model:Activation", "Model:Dropout"];

    public string Description { get; } = description;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this, _settings);

    /// <summary>
    /// The settings of the checkpoint a <c>train</c> is about to resume, or null when it resumes nothing or the checkpoint
    /// cannot be read (the run's own selection and <see cref="Commands.ResumePoint"/> then report why, in one line).
    /// </summary>
    /// <param name="resume">null, a checkpoint file, or <see cref="RunFolderSelection.Latest"/> when no interrupted run was found.</param>
    public static RecordedSettings? OfCheckpoint(string? resume, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(resume))
        {
            return null;
        }

        // "latest" is left when no interrupted run was found to claim (ScratchNetHost resolves it): nothing to read.
        string? path = string.Equals(resume, RunFolderSelection.Latest, StringComparison.OrdinalIgnoreCase) ? null : resume;

        try
        {
            if (path is null || CheckpointFile.LoadSettings(path) is not { Count: > 0 } recorded)
            {
                return null;
            }

            var settings = new Dictionary<string, string>(recorded, StringComparer.OrdinalIgnoreCase);
            bool older = !settings.Keys.Any(ConfigurationFingerprint.IsContinued);
            foreach ((string key, string value) in OfRun(path, configuration))
            {
                // A checkpoint written before checkpoints carried the early-stopping and checkpoint settings: its run's
                // config.json has them. Training:Threads, which no checkpoint records (results are the same on any
                // count), stays what the run used, so a sweep's one-thread runs do not spread over every core on resume.
                if ((older && ConfigurationFingerprint.IsContinued(key)) || string.Equals(key, ThreadsKey, StringComparison.OrdinalIgnoreCase))
                {
                    settings[key] = value;
                }
            }

            return new RecordedSettings(ConfigurationSources.ResumedFrom + Path.GetFullPath(path), settings);
        }
        catch (Exception e) when (e is CheckpointException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private const string ThreadsKey = "Training:Threads";

    // The values of the config.json of the run the checkpoint belongs to; none for a checkpoint of no run folder.
    private static IEnumerable<KeyValuePair<string, string>> OfRun(string checkpoint, IConfiguration configuration)
    {
        string root = Path.GetFullPath(configuration[$"{RunOptions.SectionName}:{nameof(RunOptions.Directory)}"] ?? new RunOptions().Directory);
        if (RunFolderSelection.Owner(checkpoint, root) is not { } run || !File.Exists(Path.Combine(run, EffectiveConfiguration.FileName)))
        {
            return [];
        }

        string json = System.Text.Encoding.UTF8.GetString(ScratchNet.Files.InputFile.ReadAllBytes(Path.Combine(run, EffectiveConfiguration.FileName), 1 << 20, "the run's config.json"));
        return EffectiveConfiguration.Values(json);
    }

    /// <summary>
    /// The data settings a model file records (dataset, folder, class names, split), for <c>evaluate</c>; or null when it
    /// records none or cannot be read (the command then reports why when it loads the model).
    /// </summary>
    /// <remarks>
    /// They are taken as a whole or not at all: a user who names another Data:Dataset (scoring a model on other data on
    /// purpose) gets none of them, since the folder and class names of the model's dataset do not belong to that one.
    /// </remarks>
    public static RecordedSettings? OfModelData(string? path, IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        RecordedSettings? recorded = OfModel(path, DataKeys);
        const string dataset = "Data:Dataset";
        return recorded is not null && ConfigurationSources.WrittenByUser(configuration, dataset)
            && !string.Equals(configuration[dataset]?.Trim(), recorded._settings.GetValueOrDefault(dataset, "mnist").Trim(), StringComparison.OrdinalIgnoreCase)
            ? null
            : recorded;
    }

    /// <summary>
    /// The network a model file records (Model:Layers, or the MLP shorthand), for a <c>train</c> that starts from its
    /// weights (Model:InitFrom); or null, as <see cref="OfModelData"/>. A file written by another tool records none.
    /// </summary>
    /// <remarks>
    /// Taken as a whole or not at all: when a recipe, a --config file, the environment or the command line gives the
    /// network (Model:Layers or Model:LayerSizes), none of it, since the file's items would merge into a given list item by
    /// item (a 2-layer Model:Layers over the file's 4 keeps the file's last 2 layers) and its Model:Layers would replace a
    /// given Model:LayerSizes.
    /// </remarks>
    public static RecordedSettings? OfModelArchitecture(string? path, IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.Providers.Any(GivesNetwork) ? null : OfModel(path, ArchitectureKeys);
    }

    // Whether a source above the reference appsettings.json sets Model:Layers' entries or Model:LayerSizes (an empty value
    // clears a key, as elsewhere: it gives nothing).
    private static bool GivesNetwork(IConfigurationProvider provider) =>
        ConfigurationSources.IsUsersOrRecipe(provider)
        && ConfigurationSources.KeysOf(provider).Any(k => !string.IsNullOrWhiteSpace(k.Value)
            && (string.Equals(k.Key, "Model:LayerSizes", StringComparison.OrdinalIgnoreCase) || k.Key.StartsWith("Model:Layers:", StringComparison.OrdinalIgnoreCase)));

    private static RecordedSettings? OfModel(string? path, string[] keys)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        try
        {
            IReadOnlyDictionary<string, string> recorded = ModelFile.LoadConfiguration(path);
            Dictionary<string, string> chosen = recorded.Where(p => keys.Any(k => p.Key == k || p.Key.StartsWith(k + ":", StringComparison.Ordinal)))
                .ToDictionary(p => p.Key, p => p.Value);
            return chosen.Count > 0 ? new RecordedSettings($"the model file {ShownName.Of(Path.GetFullPath(path))}", chosen) : null;
        }
        catch (Exception e) when (e is ModelFileException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Where the value of a path setting that wins is a model file's and only a last name, as an exported model records
    /// every local path (<see cref="SharedPaths"/>): the words that say so and what to give instead, to follow a line about
    /// that value; else empty. Without them, "Data:Directory digits is not a folder" reads as if the model were broken.
    /// </summary>
    public static string NameOnlyHint(IConfigurationRoot configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!SharedPaths.Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
        {
            return string.Empty;
        }

        IConfigurationProvider? winner = configuration.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out string? v) && v is not null);
        string? value = configuration[key]?.Trim();
        return winner is Provider && !string.IsNullOrEmpty(value) && SharedPaths.Name(value) == value
            ? $"; an exported model (ONNX, safetensors) records only a folder's name, not where it is: give it, --{key}=/path/to/{value}"
            : string.Empty;
    }

    /// <summary>The provider, a type of its own so that config.json and messages can name where its values came from.</summary>
    public sealed class Provider(RecordedSettings source, IReadOnlyDictionary<string, string> settings) : ConfigurationProvider
    {
        public RecordedSettings Source { get; } = source;

        public override void Load() => Data = settings.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);
    }
}
