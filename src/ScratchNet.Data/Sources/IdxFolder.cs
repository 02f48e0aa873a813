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
            if (path == raw && File.Exists(raw + ".gz") && !SameContent(raw, raw + ".gz"))
            {
                // An unpacked older copy beside a newer .gz (or the other way round) would train on one of them without a
                // trace; which one is meant, only the user knows. Identical copies (gunzip -k) are read as one.
                throw new DatasetUnavailableException(
                    $"The IDX folder {full} (Data:Directory) holds both {file.Name} and {file.Name}.gz, and their contents differ; remove or move away the one that is not the data to train on.");
            }

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

    // Whether the raw file holds exactly what the .gz unpacks to; a .gz that cannot be unpacked differs. Reading stops at
    // the first difference and never inflates more than one byte past the raw file's length.
    private static bool SameContent(string raw, string gz)
    {
        try
        {
            using var rawFile = new FileStream(raw, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
            using var gzFile = new FileStream(gz, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
            using Stream unpacked = Idx.GzipDetector.OpenContent(gzFile, out _);
            var a = new byte[1 << 16];
            var b = new byte[1 << 16];
            while (true)
            {
                int read = rawFile.ReadAtLeast(a, a.Length, throwOnEndOfStream: false);
                int other = unpacked.ReadAtLeast(b, read == 0 ? 1 : read, throwOnEndOfStream: false);
                if (read != other || !a.AsSpan(0, read).SequenceEqual(b.AsSpan(0, other)))
                {
                    return false;
                }

                if (read == 0)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
