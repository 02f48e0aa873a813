using System.Globalization;
using ScratchNet.Data.Options;
using ScratchNet.Files;
using ScratchNet.Models;
using ScratchNet.Training.Checkpoints;

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
            (DatasetKey, now.Dataset, SameText),
            (SplitKey, now.Split, SameText),
        };
        if (now.Directory is { Length: > 0 } folder)
        {
            settings.Add((DirectoryKey, folder, SameFolder));
        }

        if (random)
        {
            settings.Add((SeedKey, now.Seed.ToString(CultureInfo.InvariantCulture), SameText));
            settings.Add((FractionKey, now.ValidationFraction.ToString(CultureInfo.InvariantCulture), SameNumber));
        }

        foreach ((string key, string current, Func<string, string, bool> same) in settings)
        {
            if (trained.TryGetValue(key, out string? value) && !same(value, current))
            {
                yield return (key, value, current);
            }
        }
    }

    /// <summary>The settings that decide which rows a run holds out: those <see cref="Differences"/> compares.</summary>
    public static IReadOnlyList<string> Keys { get; } = [DatasetKey, DirectoryKey, SplitKey, SeedKey, FractionKey];

    private const string DatasetKey = "Data:Dataset";
    private const string DirectoryKey = "Data:Directory";
    private const string SplitKey = "Data:Split";
    private const string SeedKey = "Data:Seed";
    private const string FractionKey = "Data:ValidationFraction";
    private const string InitFromKey = "Model:InitFrom";

    /// <summary>
    /// Every data setting the weights in a model file have trained on: the file's own run first, then the history it
    /// carries (<see cref="SavedModel.DataHistory"/>), each once. A file whose run started from other weights but that
    /// carries no history (written before histories were kept) adds an entry of unknown data for them. A model trained
    /// from that file carries this list on as its own history.
    /// </summary>
    /// <param name="source">The file, as entries name it.</param>
    public static IReadOnlyList<DataHistoryEntry> Seen(string source, IReadOnlyDictionary<string, string> configuration, IReadOnlyList<DataHistoryEntry> history)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(history);
        var own = configuration.Where(p => Keys.Contains(p.Key, StringComparer.OrdinalIgnoreCase)).ToDictionary(StringComparer.Ordinal);
        var seen = new List<DataHistoryEntry> { new(source, own) };
        seen.AddRange(history);
        if (history.Count == 0 && configuration.TryGetValue(InitFromKey, out string? parent) && !string.IsNullOrWhiteSpace(parent))
        {
            seen.Add(new DataHistoryEntry(parent, null));
        }

        // The same settings twice say nothing more; a long chain of runs on one split stays one entry. Unknown data is
        // told apart by its file, which the warning names.
        var distinct = new List<DataHistoryEntry>();
        foreach (DataHistoryEntry entry in seen)
        {
            if (!distinct.Any(d => d.Data is null || entry.Data is null ? d.Data is null && entry.Data is null && d.Source == entry.Source : SameData(d.Data, entry.Data)))
            {
                distinct.Add(entry);
            }
        }

        return distinct.Count > DataHistoryEntry.MaxEntries ? [.. distinct.Take(DataHistoryEntry.MaxEntries - 1), new DataHistoryEntry("(earlier runs)", null)] : distinct;
    }

    /// <summary>
    /// Where <paramref name="now"/>'s held-out rows may hold images the weights trained on, over every entry of
    /// <paramref name="seen"/> (<see cref="Seen"/>): entries on other data (another dataset or folder) are a transfer and
    /// left out; entries that record no data are not compared.
    /// </summary>
    public static HeldOutOverlap Overlap(IReadOnlyList<DataHistoryEntry> seen, DataOptions now)
    {
        ArgumentNullException.ThrowIfNull(seen);
        ArgumentNullException.ThrowIfNull(now);
        var sameData = seen.Where(e => e.Data is { Count: > 0 } data && !Differences(data, now).Any(d => d.Key is DatasetKey or DirectoryKey)).ToList();
        var overlapping = sameData.Where(e => Differences(e.Data!, now).Any()).ToList();
        var unknown = seen.Where(e => e.Data is null).Select(e => e.Source).ToList();

        // One hold-out avoids every training only if they all held out the same rows; then it is theirs.
        IReadOnlyList<(string Key, string Value)>? theirs = null;
        if (overlapping.Count > 0)
        {
            var held = sameData.Select(e => HeldOut(e.Data!)).ToList();
            theirs = held.Skip(1).All(h => SameHeldOut(h, held[0])) ? held.Aggregate((a, b) => [.. a, .. b.Where(p => !a.Any(q => q.Key == p.Key))]) : null;
        }

        IReadOnlyList<string>? argument = theirs is null ? null : [.. Unlike(theirs, now).Select(p => ShellWord.Quote($"--{p.Key}={p.Value}"))];
        var described = overlapping.Select(e => (e.Source, Trained: Describe(Unlike(HeldOut(e.Data!), now)), Current: Describe(Unlike(HeldOut(e.Data!), now).Select(p => (p.Key, Now(p.Key, now)))))).ToList();
        return new HeldOutOverlap(described, argument is null ? null : string.Join(" ", argument), unknown, [.. sameData.Select(e => Describe(HeldOut(e.Data!)))]);
    }

    // The settings that decide a training's held-out rows: the split, and for a random one its seed and fraction (an
    // official split holds out the test files whatever they are).
    private static List<(string Key, string Value)> HeldOut(IReadOnlyDictionary<string, string> data)
    {
        var held = new List<(string, string)>();
        bool random = !data.TryGetValue(SplitKey, out string? split) || !SameText(split, DataOptions.OfficialSplit);
        foreach (string key in random ? [SplitKey, SeedKey, FractionKey] : new[] { SplitKey })
        {
            if (data.TryGetValue(key, out string? value))
            {
                held.Add((key, value));
            }
        }

        return held;
    }

    // A setting one of them does not record is not held against the other.
    private static bool SameHeldOut(List<(string Key, string Value)> a, List<(string Key, string Value)> b) =>
        a.All(p => b.FirstOrDefault(q => q.Key == p.Key) is not { Key: not null } q || Same(p.Key, p.Value, q.Value));

    private static IEnumerable<(string Key, string Value)> Unlike(IEnumerable<(string Key, string Value)> held, DataOptions now) =>
        held.Where(p => !Same(p.Key, p.Value, Now(p.Key, now)));

    private static string Now(string key, DataOptions now) => key switch
    {
        SplitKey => now.Split,
        SeedKey => now.Seed.ToString(CultureInfo.InvariantCulture),
        _ => now.ValidationFraction.ToString(CultureInfo.InvariantCulture),
    };

    private static bool Same(string key, string a, string b) => key == FractionKey ? SameNumber(a, b) : SameText(a, b);

    private static string Describe(IEnumerable<(string Key, string Value)> settings) => string.Join(", ", settings.Select(p => $"{p.Key}={p.Value}"));

    // A folder recorded by name only (an export's, SharedPaths) is the same as a full path of that name, as SameFolder
    // takes it against the data now: B.snm's own /data/digits and its ancestor A.safetensors' digits stayed two entries,
    // and evaluate B.snm gave the same overlap warning twice, where evaluate of B's export gave it once.
    private static bool SameData(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out string? v) && (p.Key == DirectoryKey ? SameRecordedFolder(p.Value, v) : Same(p.Key, p.Value, v)));

    private static bool SameRecordedFolder(string a, string b) =>
        Path.IsPathRooted(a.Trim()) && Path.IsPathRooted(b.Trim())
            ? string.Equals(FolderPath.Full(a), FolderPath.Full(b), StringComparison.Ordinal)
            : string.Equals(SharedPaths.Name(a), SharedPaths.Name(b), StringComparison.Ordinal);

    // An exported file records its folder by name only (SharedPaths): then the names are all there is to compare.
    private static bool SameFolder(string recorded, string now) =>
        Path.IsPathRooted(recorded.Trim())
            ? string.Equals(FolderPath.Full(recorded), FolderPath.Full(now), StringComparison.Ordinal)
            : string.Equals(SharedPaths.Name(recorded), SharedPaths.Name(FolderPath.Full(now)), StringComparison.Ordinal);

    /// <summary>Case- and space-insensitive equality of two recorded values.</summary>
    public static bool SameText(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static bool SameNumber(string a, string b) =>
        double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out double y)
            ? x == y
            : SameText(a, b);
}

