using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using ScratchNet.Files;
using ScratchNet.Data;
using ScratchNet.Models;

namespace ScratchNet.Host.Runs;

/// <summary>What a saved model records about the run that made it: the configuration, the data's hash and the code's version.</summary>
public static class RunRecord
{
    /// <summary>The configuration sections that decide what a model is and how it was trained.</summary>
    public static IReadOnlyList<string> Sections { get; } = ["Data", "Model", "Training", "Optimizer"];

    /// <summary>The informational version of this build: "1.0.0+{git commit}" (the SDK appends the commit).</summary>
    public static string CodeVersion =>
        typeof(RunRecord).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// Every key of <see cref="Sections"/> with a value, e.g. <c>Model:LayerSizes = 784,128,64,10</c>. When Model:Layers
    /// describes the network, the MLP shorthand keys it replaces (Model:LayerSizes, Model:Activation, Model:Dropout) are
    /// left out: they did not shape the model, and a file must not claim they did. An IDX Data:Directory is recorded absolute.
    /// </summary>
    public static Dictionary<string, string> Configuration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string section in Sections)
        {
            foreach ((string key, string? value) in configuration.GetSection(section).AsEnumerable())
            {
                if (value is not null)
                {
                    values[key] = value;
                }
            }
        }

        // A folder the model was trained on, absolute: evaluate run from elsewhere must find the same files.
        foreach (string key in values.Keys.Where(k => string.Equals(k, "Data:Directory", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            if (!string.IsNullOrWhiteSpace(values[key]))
            {
                values[key] = FolderPath.Full(values[key]);
            }
        }

        if (values.Keys.Any(k => k.StartsWith("Model:Layers:", StringComparison.OrdinalIgnoreCase)))
        {
            string[] shorthand = ["Model:LayerSizes", "Model:Activation", "Model:Dropout"];
            foreach (string key in values.Keys.Where(k => shorthand.Contains(k, StringComparer.OrdinalIgnoreCase)).ToArray())
            {
                values.Remove(key);
            }
        }

        return values;
    }

    /// <summary>The manifest of a model trained on <paramref name="dataset"/> (its <see cref="DatasetHash"/>, computed once per run).</summary>
    public static RunManifest Manifest(int seed, Dataset dataset) =>
        new(seed, DatasetHash.Sha256(dataset), CodeVersion, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
}
