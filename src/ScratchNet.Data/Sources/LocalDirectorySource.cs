using ScratchNet.Files;

namespace ScratchNet.Data.Sources;

/// <summary>A folder holding the files raw or as <c>.gz</c>, e.g. a distribution's dataset package or a copy made by hand.</summary>
public sealed class LocalDirectorySource(string directory) : IDataSource
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public string Name => $"directory {ShownName.Of(Directory)}";

    public async Task FetchAsync(DataFile file, string destinationPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new DataSourceException($"{ShownName.Of(Directory)} does not exist", sourceUnavailable: true);
        }

        string raw = Path.Combine(Directory, file.Name);
        string gz = raw + ".gz";
        string? path = File.Exists(raw) ? raw : File.Exists(gz) ? gz : null;
        if (path is null)
        {
            throw new DataSourceException($"neither {ShownName.Of(raw)} nor {ShownName.Of(gz)} exists");
        }

        // The content is sniffed rather than trusted to the suffix: some copies are gzip without .gz, or the reverse.
        await using FileStream input = FileWriter.OpenLocal(path);
        await FileWriter.WriteUncompressedAsync(input, destinationPath, cancellationToken).ConfigureAwait(false);
    }
}
