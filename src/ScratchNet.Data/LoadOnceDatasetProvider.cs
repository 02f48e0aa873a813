namespace ScratchNet.Data;

/// <summary>
/// Loads the dataset the first time it is asked and gives every later caller the same rows: a resume checks the data it
/// is about to train on (<see cref="DatasetHash"/>), not a second reading of the files, and the hash is computed once.
/// A load that failed or was cancelled is not kept; the next caller tries again.
/// </summary>
public sealed class LoadOnceDatasetProvider(IDatasetProvider inner) : IDatasetProvider
{
    private readonly Lock _gate = new();
    private Task<Dataset>? _loading;

    public Task<Dataset> LoadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
            {
                _loading = inner.LoadAsync(cancellationToken);
            }

            return _loading;
        }
    }
}
