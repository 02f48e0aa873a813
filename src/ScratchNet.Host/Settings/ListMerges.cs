using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace ScratchNet.Host.Settings;

/// <summary>
/// Stops a run where a list the user gives, in any source they write (a --config file, SCRATCHNET_ variables, the command
/// line), has fewer items than the same list in a source below it: configuration merges lists item by item, so the lower
/// source's last items would be kept after the user's (a 2-layer <c>--Model:Layers:0=… --Model:Layers:1=…</c> over
/// <c>--recipe cnn</c>'s 10 layers gains the recipe's last 8, silently where the shapes fit). A list that starts at item 0
/// is the whole list its author meant; items set without item 0 (<c>--Model:Layers:3=…</c>, or <c>{"3": …}</c> in a file)
/// change single items of the list below, and merge as meant.
/// </summary>
/// <remarks>
/// The network a <c>Model:InitFrom</c> file records never meets a given network here: it is not layered at all then
/// (<see cref="RecordedSettings.OfModelArchitecture"/>).
/// </remarks>
public static class ListMerges
{
    /// <summary>One line per list a user's source shortens without replacing.</summary>
    /// <param name="takesOneValue">Keys that are no list (a one-value key given items), which are left to the schema's refusal.</param>
    public static IReadOnlyList<string> Problems(IConfigurationRoot configuration, Func<string, bool>? takesOneValue = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IList<IConfigurationProvider> providers = [.. configuration.Providers];
        Dictionary<string, Items>[] lists = [.. providers.Select(Lists)];
        var problems = new List<string>();
        for (int upper = 0; upper < providers.Count; upper++)
        {
            if (!ConfigurationSources.WrittenByUser(providers[upper]))
            {
                continue;
            }

            foreach ((string list, Items items) in lists[upper])
            {
                if (!items.FromStart || takesOneValue?.Invoke(list) == true)
                {
                    continue;
                }

                for (int lower = upper - 1; lower >= 0; lower--)
                {
                    if (lists[lower].TryGetValue(list, out Items lowerItems) && lowerItems.Count > items.Count)
                    {
                        problems.Add(Problem(list, providers[upper], items.Count, providers[lower], lowerItems.Count));
                        break;
                    }
                }
            }
        }

        return problems;
    }

    private static string Problem(string list, IConfigurationProvider upper, int items, IConfigurationProvider lower, int lowerItems)
    {
        string of = Where(lower, list, "of");
        string kept = lowerItems - items == 1
            ? $"item {items} {of} ({Show(lower, $"{list}:{items}")}) would be kept after yours"
            : $"items {items} to {lowerItems - 1} {of} would be kept after yours";
        string remedy = lower switch
        {
            RecordedSettings.Provider => "leave it out to keep the recorded one",
            FileConfigurationProvider when !ConfigurationSources.WrittenByUser(lower) => "leave out the recipe",
            _ => $"leave {list} out {of}",
        };
        return $"{list} has {(items == 1 ? "1 item" : $"{items} items")} {Where(upper, list, "in")} but {lowerItems} {Where(lower, list, "in")} below it; "
            + $"lists merge item by item, so {kept}: give the whole list where no longer one lies below it ({remedy}), or change single items by number without item 0 (--{list}:N=…)";
    }

    // "in config/recipes/cnn.json", "on the command line (--Model:Layers:N)", "of the environment (SCRATCHNET_Model__Layers__N)".
    private static string Where(IConfigurationProvider provider, string list, string preposition) => provider switch
    {
        CommandLineConfigurationProvider => $"{(preposition == "in" ? "on" : preposition)} the command line (--{list}:N)",
        EnvironmentVariablesConfigurationProvider => $"{preposition} the environment ({ScratchNetHost.EnvironmentPrefix}{list.Replace(":", "__", StringComparison.Ordinal)}__N)",
        _ => $"{preposition} {ConfigurationSources.Describe(provider, list)}",
    };

    private static string Show(IConfigurationProvider provider, string key) =>
        provider.TryGet(key, out string? value) && value is not null ? $"\"{value}\"" : "a section";

    // A list's number of items, by its highest index, and whether item 0 is among them.
    private readonly record struct Items(int Count, bool FromStart);

    // Each list in a provider (a path whose next segment is an index).
    private static Dictionary<string, Items> Lists(IConfigurationProvider provider)
    {
        var lists = new Dictionary<string, Items>(StringComparer.OrdinalIgnoreCase);
        foreach (ConfigurationKey key in ConfigurationSources.KeysOf(provider))
        {
            string[] parts = key.Key.Split(':');
            for (int i = 1; i < parts.Length; i++)
            {
                if (int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    string list = string.Join(':', parts[..i]);
                    Items known = lists.GetValueOrDefault(list);
                    lists[list] = new Items(Math.Max(known.Count, index + 1), known.FromStart || index == 0);
                }
            }
        }

        return lists;
    }
}
