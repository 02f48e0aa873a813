using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace ScratchNet.Host.Settings;

/// <summary>Every key each configuration source sets, with words for the source a user recognises.</summary>
public static class ConfigurationSources
{
    /// <summary>Every key with a value that a user's source sets, source by source, later sources (which win) last.</summary>
    /// <remarks>The host's own in-memory settings (contentRoot and the like) are not a user's and are left out.</remarks>
    public static IReadOnlyList<ConfigurationKey> Keys(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var keys = new List<ConfigurationKey>();
        foreach (IConfigurationProvider provider in configuration.Providers.Where(IsUsers))
        {
            keys.AddRange(KeysOf(provider));
        }

        return keys;
    }

    /// <summary>Every key one source sets, with its value.</summary>
    public static IEnumerable<ConfigurationKey> KeysOf(IConfigurationProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return Values(provider, null).Select(p => new ConfigurationKey(p.Key, p.Value, Describe(provider, p.Key)));
    }

    /// <summary>
    /// The keys one source holds with no value: a JSON <c>[]</c>, <c>{}</c> or <c>null</c> (kept by .NET as a key whose value is
    /// null, which the binder skips), or an empty or blank value (<c>--Model:Layers=</c>).
    /// </summary>
    public static IEnumerable<string> EmptyKeysOf(IConfigurationProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider is ConfigurationProvider && DataProperty?.GetValue(provider) is IDictionary<string, string?> data)
        {
            return [.. data.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => p.Key)];
        }

        return [];
    }

    /// <summary>The source whose value of <paramref name="key"/> wins, or null when no source sets it.</summary>
    public static string? SourceOf(IConfigurationRoot configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (IConfigurationProvider provider in configuration.Providers.Where(p => IsUsers(p) || p is RecordedSettings.Provider).Reverse())
        {
            if (provider.TryGet(key, out string? value) && value is not null)
            {
                return Describe(provider, key);
            }
        }

        return null;
    }

    /// <summary>How a value taken from the checkpoint a run resumes is described, before the checkpoint's path.</summary>
    public const string ResumedFrom = "the resumed checkpoint ";

    /// <summary>"command line (--Training:Epochs)", "environment variable SCRATCHNET_Training__Epochs", or the JSON file's path.</summary>
    public static string Describe(IConfigurationProvider provider, string key) => provider switch
    {
        CommandLineConfigurationProvider => $"command line (--{key})",
        EnvironmentVariablesConfigurationProvider => $"environment variable {ScratchNetHost.EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal)}",
        RecordedSettings.Provider recorded => recorded.Source.Description,
        FileConfigurationProvider file => FileName(PathOf(file)),
        _ => provider.ToString() ?? provider.GetType().Name,
    };

    /// <summary>
    /// Whether the source is one a user chose: the command line, SCRATCHNET_ variables, a --config file or a recipe (any
    /// file but the reference config/appsettings.json, which holds the defaults).
    /// </summary>
    public static bool IsUsersOrRecipe(IConfigurationProvider provider) =>
        IsUsers(provider) && !(provider is FileConfigurationProvider file && IsReference(PathOf(file)));

    private static bool IsReference(string path) =>
        string.Equals(Path.GetFullPath(path), Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json")), StringComparison.Ordinal);

    private static bool IsUsers(IConfigurationProvider provider) =>
        provider is CommandLineConfigurationProvider or EnvironmentVariablesConfigurationProvider or FileConfigurationProvider;

    /// <summary>
    /// Whether the user wrote what the source holds (the command line, SCRATCHNET_ variables, a --config file), rather than
    /// the program (appsettings.json and the recipes shipped in config/, an earlier run's recorded settings).
    /// </summary>
    public static bool WrittenByUser(IConfigurationProvider provider) => provider switch
    {
        CommandLineConfigurationProvider or EnvironmentVariablesConfigurationProvider => true,
        FileConfigurationProvider file => !IsShipped(PathOf(file)),
        _ => false,
    };

    /// <summary>Whether the value of <paramref name="key"/> that wins comes from a source the user wrote (see <see cref="WrittenByUser(IConfigurationProvider)"/>).</summary>
    public static bool WrittenByUser(IConfigurationRoot configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IList<IConfigurationProvider> providers = [.. configuration.Providers];
        return Winner(providers, key) is int winner and >= 0 && WrittenByUser(providers[winner]);
    }

    /// <summary>The index among <paramref name="providers"/> of the one whose value of the key (or of any entry of the list it names) wins, or −1.</summary>
    public static int Winner(IList<IConfigurationProvider> providers, string key)
    {
        ArgumentNullException.ThrowIfNull(providers);
        for (int i = providers.Count - 1; i >= 0; i--)
        {
            if ((providers[i].TryGet(key, out string? value) && value is not null) || providers[i].GetChildKeys([], key).Any())
            {
                return i;
            }
        }

        return -1;
    }

    private static string PathOf(FileConfigurationProvider file) =>
        file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? string.Empty).PhysicalPath ?? file.Source.Path ?? "a configuration file";

    private static bool IsShipped(string path) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "config")) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // The full path, shipped files too: "config/appsettings.json" reads as the clone's file or one in the working folder,
    // while the file read is the copy beside the program, which an edit of the clone's reaches only through a build.
    private static string FileName(string path) => Path.GetFullPath(path);

    // ConfigurationProvider keeps its keys in the protected Data dictionary; reading it is linear, while walking
    // GetChildKeys level by level is quadratic in the number of keys (a hostile 1 MB file would take a minute).
    private static readonly System.Reflection.PropertyInfo? DataProperty =
        typeof(ConfigurationProvider).GetProperty("Data", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);

    private static IEnumerable<(string Key, string Value)> Values(IConfigurationProvider provider, string? parent)
    {
        if (parent is null && provider is ConfigurationProvider && DataProperty?.GetValue(provider) is IDictionary<string, string?> data)
        {
            foreach ((string key, string? value) in data)
            {
                if (value is not null)
                {
                    yield return (key, value);
                }
            }

            yield break;
        }

        foreach (string child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            string key = parent is null ? child : $"{parent}:{child}";
            if (provider.TryGet(key, out string? value) && value is not null)
            {
                yield return (key, value);
            }

            foreach ((string Key, string Value) nested in Values(provider, key))
            {
                yield return nested;
            }
        }
    }
}
