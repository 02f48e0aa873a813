namespace ScratchNet.Data;

/// <summary>Fetches, verifies, caches, parses and splits a dataset. The trainer sees only this.</summary>
public interface IDatasetProvider
{
    /// <exception cref="DatasetUnavailableException">No source could deliver a verified copy.</exception>
    /// <exception cref="InvalidDataFormatException">A file was delivered but is not valid.</exception>
    Task<Dataset> LoadAsync(CancellationToken cancellationToken = default);
}
