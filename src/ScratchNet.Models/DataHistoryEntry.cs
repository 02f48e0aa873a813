namespace ScratchNet.Models;

/// <summary>
/// The data an earlier training of a model's weights read: a model's own run is its <see cref="SavedModel.Configuration"/>;
/// these are the runs before it, carried over from the file it started from (Model:InitFrom) and that file's own history,
/// so a held-out split can be checked against every image the weights have seen, not only the last run's.
/// </summary>
/// <param name="Source">The model file that recorded these settings, as the run that read it named it.</param>
/// <param name="Data">
/// That training's data settings (Data:Dataset, Data:Split, Data:Seed, …); empty when the file records none (a PyTorch
/// state_dict: nothing to compare); null when they are unknown: the file says its weights started from another file, but
/// not which data that one saw (a file written before histories were kept).
/// </param>
public sealed record DataHistoryEntry(string Source, IReadOnlyDictionary<string, string>? Data)
{
    /// <summary>The most entries a file may carry: a forged history cannot grow without bound, and no real chain of runs comes near it.</summary>
    public const int MaxEntries = 256;

    /// <summary>Why <paramref name="history"/> cannot be a file's history, or null when it can.</summary>
    internal static string? Problem(IReadOnlyList<DataHistoryEntry?> history) =>
        history.Count > MaxEntries ? $"its data history has {history.Count} entries, more than the {MaxEntries} a model may carry"
        : history.Any(e => e is null || e.Source is null || e.Data?.Any(p => p.Key is null || p.Value is null) == true)
            ? "its data history has an entry without a source or with a value that is not a string"
            : null;
}
