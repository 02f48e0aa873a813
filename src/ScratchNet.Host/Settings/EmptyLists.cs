using Microsoft.Extensions.Configuration;

namespace ScratchNet.Host.Settings;

/// <summary>
/// A list a user wrote empty: <c>"Layers": []</c>, <c>{}</c> or <c>null</c> in a --config file, <c>--Model:Layers=</c>,
/// <c>SCRATCHNET_Model__Layers=</c>. .NET's configuration keeps such a key with no value and the binder skips it, so the list
/// from below stood as if the line had not been written: an empty network trained the default MLP, and over
/// <c>--recipe cnn</c> the recipe's CNN, without a word, where a shorter list over a longer one is refused (<see cref="ListMerges"/>).
/// </summary>
public static class EmptyLists
{
    /// <summary>One line per list a user's source gives empty, naming the source and what to give.</summary>
    public static IEnumerable<string> Problems(IConfigurationRoot configuration, Func<string, bool> isList)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(isList);
        foreach (IConfigurationProvider provider in configuration.Providers.Where(ConfigurationSources.WrittenByUser))
        {
            foreach (string key in ConfigurationSources.EmptyKeysOf(provider).Where(k => isList(k) && !provider.GetChildKeys([], k).Any()))
            {
                yield return $"{key} is empty (from {ConfigurationSources.Describe(provider, key)}); give at least one item ({key}:0=…, or a JSON array of them), or leave it out {WhatLeavingOutGives(key)}";
            }
        }
    }

    private static string WhatLeavingOutGives(string key) =>
        string.Equals(key, "Model:Layers", StringComparison.OrdinalIgnoreCase)
            ? "for the MLP of Model:LayerSizes"
            : "to keep the default";
}
