using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Stops a run whose --config file gives a list fewer items than a source below it: configuration merges lists item by
/// item, so the lower source's last items would be kept after the file's (a 9-layer <c>Model:Layers</c> in a --config
/// file over <c>--recipe cnn</c>'s 10 gains the recipe's tenth layer). A JSON array reads as the whole list, so the
/// merge is never what the file's author meant. Single items set on the command line or in the environment
/// (<c>--Model:Layers:3=…</c>) are overrides of those items, and merge as meant.
/// </summary>
public static class ListMerges
{
    /// <summary>One line per list a user's JSON file shortens without replacing.</summary>
    public static IReadOnlyList<string> Problems(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IList<IConfigurationProvider> providers = [.. configuration.Providers];
        Dictionary<string, int>[] lists = [.. providers.Select(Lists)];
        var problems = new List<string>();
        for (int upper = 0; upper < providers.Count; upper++)
        {
            if (providers[upper] is not FileConfigurationProvider || !ConfigurationSources.WrittenByUser(providers[upper]))
            {
                continue;
            }

            foreach ((string list, int items) in lists[upper])
            {
                for (int lower = upper - 1; lower >= 0; lower--)
                {
                    if (lists[lower].TryGetValue(list, out int lowerItems) && lowerItems > items)
                    {
                        string below = ConfigurationSources.Describe(providers[lower], list);
                        string kept = lowerItems - items == 1
                            ? $"item {items} of {below} ({Show(providers[lower], $"{list}:{items}")}) would be kept after yours"
                            : $"items {items} to {lowerItems - 1} of {below} would be kept after yours";
                        problems.Add($"{list} has {items} items in {ConfigurationSources.Describe(providers[upper], list)} but {lowerItems} in {below} below it; lists merge item by item, so {kept}: give {list} where no longer list lies below it (leave out the recipe), or set single items with --{list}:N");
                        break;
                    }
                }
            }
        }

        return problems;
    }

    private static string Show(IConfigurationProvider provider, string key) =>
        provider.TryGet(key, out string? value) && value is not null ? $"\"{value}\"" : "a section";

    // Each list in a provider (a path whose next segment is an index) and its number of items, by its highest index.
    private static Dictionary<string, int> Lists(IConfigurationProvider provider)
    {
        var lists = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (ConfigurationKey key in ConfigurationSources.KeysOf(provider))
        {
            string[] parts = key.Key.Split(':');
            for (int i = 1; i < parts.Length; i++)
            {
                if (int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    string list = string.Join(':', parts[..i]);
                    lists[list] = Math.Max(lists.GetValueOrDefault(list), index + 1);
                }
            }
        }

        return lists;
    }
}
