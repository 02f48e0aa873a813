namespace ScratchNet.Data.Sources;

/// <summary>A place a dataset file can come from: a mirror, a package registry, a local folder.</summary>
public interface IDataSource
{
    /// <summary>Names the source in logs and error messages, e.g. a base URL.</summary>
    string Name { get; }

    /// <summary>
    /// Writes the uncompressed content of <paramref name="file"/> to <paramref name="destinationPath"/>.
    /// The caller verifies the hash, and deletes the destination whatever happens.
    /// </summary>
    /// <exception cref="DataSourceException">The source cannot deliver; the message is the reason.</exception>
    Task FetchAsync(DataFile file, string destinationPath, CancellationToken cancellationToken);
}
