namespace ScratchNet.Dashboard.Explorer;

/// <summary>
/// How many uploads the explorer decodes at once. A 4096 × 4096 image costs about 190 MB and a second or more of CPU to
/// prepare, so requests beyond the limit are refused at once (the page sends one at a time) instead of queueing without bound.
/// </summary>
public sealed class ExploreGate(int limit) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(limit, limit);

    public int Limit { get; } = limit;

    /// <summary>A slot to release when done, or null when every slot is taken.</summary>
    public IDisposable? TryEnter() => _slots.Wait(0) ? new Slot(_slots) : null;

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
