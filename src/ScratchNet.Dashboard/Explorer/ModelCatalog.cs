using ScratchNet.Dashboard.Runs;
using ScratchNet.Models;

namespace ScratchNet.Dashboard.Explorer;

/// <summary>A model the explorer can open: the file given with <c>serve --model</c>, or a run's model.snm.</summary>
/// <param name="Run">The run's name; null for the --model file.</param>
public sealed record ModelEntry(string? Run, string Label);

/// <summary>
/// The models the explorer may open, and a small cache of loaded ones (a file that changes on disk is loaded again).
/// A run's model is found through <see cref="RunsFolder"/>, so a request can only ever open a run's own model.snm.
/// </summary>
public sealed class ModelCatalog(RunsFolder runs, string? modelFile)
{
    private const int CacheSize = 8;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTime Written, long Length, ModelExplorer Explorer)> _cache = new(StringComparer.Ordinal);

    /// <summary>The --model file first, then every run with a model (an empty or damaged model.snm, as the runs list tells it, is none), newest first (by when its history was last written, whatever the runs are called).</summary>
    public IReadOnlyList<ModelEntry> List()
    {
        var entries = new List<ModelEntry>();
        if (modelFile is not null)
        {
            entries.Add(new ModelEntry(null, Path.GetFileName(modelFile)));
        }

        entries.AddRange(runs.Runs()
            .Where(r => runs.File(r, RunsFolder.ModelFile) is { } model && RunModelFile.Problem(model) is null)
            .OrderByDescending(r => r.WrittenUtc).ThenByDescending(r => r.Id, StringComparer.Ordinal)
            .Select(r => new ModelEntry(r.Id, r.Id)));
        return entries;
    }

    /// <summary>The explorer for a run's model (or the --model file when <paramref name="run"/> is null); null when there is none.</summary>
    /// <exception cref="ModelFileException">The model file is damaged or not a model.</exception>
    public ModelExplorer? Open(string? run)
    {
        // A folder or pipe by the model's name is said as the runs list says it, not as "no model.snm".
        if (run is not null && runs.FindRun(run) is { } entry && RunsFolder.NotAFile(entry, RunsFolder.ModelFile) is { } problem)
        {
            throw new ModelFileException($"{run}/{RunsFolder.ModelFile}", problem, "give a file written by 'train' or 'export'");
        }

        string? path = run is null ? modelFile : runs.File(run, RunsFolder.ModelFile);
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        var info = new FileInfo(path);
        string key = run is null ? "\0file" : run;
        lock (_gate)
        {
            if (_cache.TryGetValue(key, out var cached) && cached.Written == info.LastWriteTimeUtc && cached.Length == info.Length)
            {
                return cached.Explorer;
            }
        }

        // A page is told the model's name in the runs folder, not where the server keeps it.
        string label = run is null ? Path.GetFileName(path) : $"{run}/{RunsFolder.ModelFile}";

        // A run's model that the list does not offer is refused with the list's reason, not with what reading it whole finds
        // first (a file cut short: "its checksum does not match" here, "shorter than its header describes" there). Checked
        // after the cache: a file loaded once, unchanged since, was a model.
        if (run is not null && RunModelFile.Fault(path) is { } damaged)
        {
            throw damaged.Naming(label);
        }

        SavedModel model;
        try
        {
            model = ScratchNet.Models.ModelFile.Load(path);
        }
        catch (ModelFileException e)
        {
            throw e.Naming(label);
        }

        var explorer = new ModelExplorer(model, label);
        lock (_gate)
        {
            if (_cache.Count >= CacheSize && !_cache.ContainsKey(key))
            {
                _cache.Remove(_cache.Keys.First());
            }

            _cache[key] = (info.LastWriteTimeUtc, info.Length, explorer);
        }

        return explorer;
    }
}
