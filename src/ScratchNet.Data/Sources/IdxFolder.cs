namespace ScratchNet.Data.Sources;

/// <summary>Finds the four MNIST-named IDX files in a user's folder (<c>Data:Directory</c>), each raw or with a .gz suffix.</summary>
public static class IdxFolder
{
    /// <returns>The path of each file, keyed by its MNIST name (e.g. train-images-idx3-ubyte).</returns>
    /// <exception cref="DatasetUnavailableException">The folder or a file is missing; the message names what is expected.</exception>
    public static IReadOnlyDictionary<string, string> Locate(string? directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new DatasetUnavailableException("Data:Dataset is idx but Data:Directory is not set; set it to the folder holding the four IDX files.");
        }

        string full = Path.GetFullPath(directory);
        string expected = string.Join(", ", MnistFiles.All.Select(f => f.Name));
        if (!Directory.Exists(full))
        {
            throw new DatasetUnavailableException($"The IDX folder {full} (Data:Directory) does not exist; it must hold {expected} (each raw or .gz).");
        }

        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (DataFile file in MnistFiles.All)
        {
            string raw = Path.Combine(full, file.Name);
            string? path = File.Exists(raw) ? raw : File.Exists(raw + ".gz") ? raw + ".gz" : null;
            if (path is null)
            {
                missing.Add(file.Name);
            }
            else
            {
                paths[file.Name] = path;
            }
        }

        if (missing.Count > 0)
        {
            throw new DatasetUnavailableException(
                $"The IDX folder {full} (Data:Directory) lacks {string.Join(", ", missing)}; it must hold {expected} (each raw or .gz).");
        }

        return paths;
    }
}
