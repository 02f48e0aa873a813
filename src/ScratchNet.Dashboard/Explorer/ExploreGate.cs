namespace ScratchNet.Dashboard.Explorer;

/// <summary>
/// How many uploads the explorer decodes at once. A 4096 × 4096 image costs about 150 MB and a second or more of CPU to
/// prepare, so requests beyond the limit wait a moment for a slot (a page's upload should not fail because another tab or
/// a script is busy) and are then refused, instead of queueing without bound.
/// </summary>
/// <param name="wait">How long a request waits for a slot before it is refused.</param>
public sealed class ExploreGate(int limit, TimeSpan wait) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(limit, limit);
    private int _waiting;

    public int Limit { get; } = limit;

    public TimeSpan Wait { get; } = wait;

    /// <summary>Requests waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A slot to release when done, or null when every slot is taken.</summary>
    public IDisposable? TryEnter() => _slots.Wait(0) ? new Slot(_slots) : null;

    /// <summary>A slot to release when done, or null when none came free within <see cref="Wait"/>.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellation)
    {
        if (TryEnter() is { } slot)
        {
            return slot;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            return await _slots.WaitAsync(Wait, cancellation).ConfigureAwait(false) ? new Slot(_slots) : null;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

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
