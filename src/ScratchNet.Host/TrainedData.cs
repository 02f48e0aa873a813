using System.Globalization;
using ScratchNet.Data.Options;
using ScratchNet.Files;

namespace ScratchNet.Host;

/// <summary>
/// The data a model file's weights were trained on, as its recorded configuration names it, against the data a command
/// reads now. A random hold-out drawn with other settings, or another split, holds rows those weights trained on: a
/// score on it flatters them. <c>evaluate</c> and <c>train --Model:InitFrom</c> both say so.
/// </summary>
public static class TrainedData
{
    /// <summary>
    /// The data settings recorded in <paramref name="trained"/> that differ from <paramref name="now"/>: the dataset and its
    /// folder, the split, and for a random split its seed and hold-out fraction (either drawn otherwise overlaps the training
    /// rows). Settings the file does not record (a PyTorch state_dict records none) are not compared.
    /// </summary>
    public static IEnumerable<(string Key, string Trained, string Current)> Differences(IReadOnlyDictionary<string, string> trained, DataOptions now)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(now);
        bool random = !string.Equals(now.Split, DataOptions.OfficialSplit, StringComparison.OrdinalIgnoreCase);
        var settings = new List<(string Key, string Current, Func<string, string, bool> Same)>
        {
            ("Data:Dataset", now.Dataset, SameText),
            ("Data:Split", now.Split, SameText),
        };
        if (now.Directory is { Length: > 0 } folder)
        {
            settings.Add(("Data:Directory", folder, (a, b) => string.Equals(FolderPath.Full(a), FolderPath.Full(b), StringComparison.Ordinal)));
        }

        if (random)
        {
            settings.Add(("Data:Seed", now.Seed.ToString(CultureInfo.InvariantCulture), SameText));
            settings.Add(("Data:ValidationFraction", now.ValidationFraction.ToString(CultureInfo.InvariantCulture), SameNumber));
        }

        foreach ((string key, string current, Func<string, string, bool> same) in settings)
        {
            if (trained.TryGetValue(key, out string? value) && !same(value, current))
            {
                yield return (key, value, current);
            }
        }
    }

    /// <summary>Case- and space-insensitive equality of two recorded values.</summary>
    public static bool SameText(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static bool SameNumber(string a, string b) =>
        double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out double y)
            ? x == y
            : SameText(a, b);
}
