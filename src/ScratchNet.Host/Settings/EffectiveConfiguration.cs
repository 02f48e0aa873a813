using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ScratchNet.Files;
using ScratchNet.Host.Commands;
using ScratchNet.Host.Runs;

namespace ScratchNet.Host.Settings;

/// <summary>
/// The full configuration a run used, for its <c>config.json</c>: every key of every options class with the value it
/// had (after defaults, recipes, files, environment and command line) and where that value came from ("default",
/// "config/appsettings.json", "command line (--Training:Epochs)", …), plus the keys read outside options classes.
/// </summary>
public sealed class EffectiveConfiguration(ConfigurationSchema schema, IConfiguration configuration, IServiceProvider services, CommandLine commandLine)
{
    public const string FileName = "config.json";

    // Values read as typed: a path with ü or 日本 is not escaped to \u00FC (the JSON stays valid).
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Key → (value, source), sorted by key.</summary>
    public SortedDictionary<string, ConfigurationKey> Keys()
    {
        var root = (IConfigurationRoot)configuration;
        var keys = new SortedDictionary<string, ConfigurationKey>(StringComparer.OrdinalIgnoreCase);
        foreach ((string section, Type type) in schema.BoundTypes)
        {
            object? options = services.GetService(typeof(IOptions<>).MakeGenericType(type));
            object value = options?.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options) ?? Activator.CreateInstance(type)!;
            Flatten(JsonSerializer.SerializeToElement(value, type), section, root, keys);
        }

        foreach (ConfigurationKey key in ConfigurationSources.Keys(root))
        {
            keys.TryAdd(key.Key, key with { Value = configuration[key.Key] ?? key.Value, Source = ConfigurationSources.SourceOf(root, key.Key) ?? key.Source });
        }

        if (commandLine.Option("recipe") is { } recipe)
        {
            keys[ScratchNetHost.RecipeKey] = new ConfigurationKey(ScratchNetHost.RecipeKey, recipe, "command line (--recipe)");
        }

        return keys;
    }

    /// <summary>Where the value of <paramref name="key"/> comes from (<c>command line (--Training:Epochs)</c>), or null for a default.</summary>
    public string? SourceOf(string key) => ConfigurationSources.SourceOf((IConfigurationRoot)configuration, key);

    /// <summary>The <c>config.json</c> text: <c>{ "Training:Epochs": { "value": "5", "source": "command line (--Training:Epochs)" }, … }</c>.</summary>
    /// <param name="previous">The run's config.json as an earlier session wrote it, when this one resumes it: a value this
    /// session took from the checkpoint keeps the source it had then (the command line that first set it, say).</param>
    /// <param name="folder">The run folder, when its checkpoint folder may follow the resumed checkpoint's (<see cref="RunFolder.KeptCheckpointRoot"/>).</param>
    public string ToJson(string? previous = null, RunFolder? folder = null)
    {
        Dictionary<string, Entry> before = previous is null ? [] : Read(previous);
        Dictionary<string, Entry> now = Keys().ToDictionary(k => k.Value.Key, k => CarriedOver(k.Value)
            && before.TryGetValue(k.Value.Key, out Entry? then) && then.Value == k.Value.Value
            ? then
            : new Entry(k.Value.Value, k.Value.Source));
        if (folder?.KeptCheckpointRoot() is not null && now.TryGetValue(CheckpointDirectoryKey, out Entry? kept)
            && !ConfigurationSources.WrittenByUser((IConfigurationRoot)configuration, CheckpointDirectoryKey))
        {
            now[CheckpointDirectoryKey] = kept with { Source = $"beside the resumed checkpoint {ShownName.Of(folder.ResumeCheckpoint ?? string.Empty)}" };
        }

        // The recipe the run started with, which a resume need not repeat, is still the recipe its values came from.
        if (!now.ContainsKey(ScratchNetHost.RecipeKey) && before.TryGetValue(ScratchNetHost.RecipeKey, out Entry? recipe))
        {
            now[ScratchNetHost.RecipeKey] = recipe;
        }

        return JsonSerializer.Serialize(new SortedDictionary<string, Entry>(now, StringComparer.OrdinalIgnoreCase), Json);
    }

    // A value a resumed session took from the run it continues: the checkpoint's settings, and the checkpoint folder the
    // run's run.json names (RunFolder.CheckpointFolder keeps it over appsettings' default unless the user sets another).
    private bool CarriedOver(ConfigurationKey key) =>
        key.Source.StartsWith(ConfigurationSources.ResumedFrom, StringComparison.Ordinal)
        || (string.Equals(key.Key, CheckpointDirectoryKey, StringComparison.OrdinalIgnoreCase) && !ConfigurationSources.WrittenByUser((IConfigurationRoot)configuration, key.Key));

    private const string CheckpointDirectoryKey = "Checkpoints:Directory";

    /// <summary>The values a <c>config.json</c> records, by key; empty when it is not one.</summary>
    public static Dictionary<string, string> Values(string json) =>
        Read(json).Where(p => p.Value?.Value is not null).ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, Entry> Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, Entry>>(json) ?? [];
        }
        catch (JsonException)
        {
            return []; // Edited by hand into something else: this session's sources stand.
        }
    }

    private sealed record Entry(
        [property: System.Text.Json.Serialization.JsonPropertyName("value")] string Value,
        [property: System.Text.Json.Serialization.JsonPropertyName("source")] string Source);

    private static void Flatten(JsonElement element, string path, IConfigurationRoot root, SortedDictionary<string, ConfigurationKey> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Flatten(property.Value, $"{path}:{property.Name}", root, into);
                }

                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}:{i++}", root, into);
                }

                break;
            default:
                string value = element.ValueKind switch
                {
                    JsonValueKind.String => element.GetString()!,
                    JsonValueKind.Null => string.Empty,
                    _ => element.GetRawText(),
                };
                into[path] = new ConfigurationKey(path, value, ConfigurationSources.SourceOf(root, path) ?? "default");
                break;
        }
    }
}
