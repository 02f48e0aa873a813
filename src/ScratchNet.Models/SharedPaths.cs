namespace ScratchNet.Models;

/// <summary>
/// A model as an export carries it: every local path it records cut to its last name. A model file records where its
/// run's data and starting weights were (<c>Data:Directory</c>, absolute, so <c>evaluate</c> from any folder finds the
/// data; <c>Model:InitFrom</c>; the files of its data history), which in a file given to someone else shows the trainer's
/// folders, user name included. ONNX and safetensors are the files made to be shared, so they keep the names only
/// (<c>digits</c>, <c>base.safetensors</c>): the folder's name still tells which data it was, and the comparisons of
/// data histories take a bare name as that folder's name (<c>TrainedData</c>). The native <c>.snm</c>, the run's own
/// record, keeps them whole.
/// </summary>
public static class SharedPaths
{
    /// <summary>The configuration keys whose values are local paths.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["Data:Directory", "Data:CacheDirectory", "Model:InitFrom"];

    public static SavedModel Of(SavedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model with
        {
            Configuration = Names(model.Configuration),
            DataHistory = [.. model.DataHistory.Select(e => new DataHistoryEntry(Name(e.Source), e.Data is null ? null : Names(e.Data)))],
        };
    }

    /// <summary>The last name of <paramref name="path"/> ("/home/ann/data/digits/" → "digits"); a bare name stays as it is.</summary>
    public static string Name(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string trimmed = path.Trim().TrimEnd('/', '\\');
        string name = Path.GetFileName(trimmed);
        return name.Length > 0 ? name : trimmed;
    }

    private static Dictionary<string, string> Names(IReadOnlyDictionary<string, string> values) =>
        values.ToDictionary(p => p.Key, p => Keys.Contains(p.Key, StringComparer.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(p.Value) ? Name(p.Value) : p.Value, StringComparer.Ordinal);
}
