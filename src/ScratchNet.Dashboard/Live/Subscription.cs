namespace ScratchNet.Dashboard.Live;

/// <summary>What <see cref="LiveFeed.Subscribe"/> hands a page: the replay, then the live queue. Dispose to leave.</summary>
public sealed class Subscription(IReadOnlyList<SentEvent> replay, PageQueue updates, Action leave) : IDisposable
{
    public IReadOnlyList<SentEvent> Replay { get; } = replay;

    public PageQueue Updates { get; } = updates;

    public void Dispose() => leave();
}
