using System.Threading.Channels;

namespace ScratchNet.Dashboard.Live;

/// <summary>
/// One page's updates not yet written to it. Never blocks the pump: when full it drops its oldest update. A page that is
/// behind gets only the newest of each picture (a new one replaces the one still waiting), and when the run ends,
/// <see cref="DropStale"/> lets the end overtake the pictures and fine-grained points still waiting, so a slow page is
/// told how the run ended instead of dying with the process in the middle of a backlog.
/// </summary>
/// <param name="capacity">Updates kept at most; beyond it the oldest goes.</param>
/// <param name="coalesce">Whether a new picture replaces the one of its kind still waiting (false: every picture is kept).</param>
public sealed class PageQueue(int capacity, bool coalesce) : ChannelReader<SentEvent>
{
    // The pictures, and the per-batch points and measurements the per-epoch figures sum up.
    private static readonly HashSet<string> Stale = new([.. LiveFeed.Pictures, LiveEventTypes.Batch, LiveEventTypes.Layers], StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private readonly LinkedList<SentEvent> _items = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<bool>? _waiting;
    private bool _completed;

    public override Task Completion => _completion.Task;

    public override bool CanCount => true;

    public override int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Queues an update; false once the queue is complete.</summary>
    public bool Offer(SentEvent sent)
    {
        TaskCompletionSource<bool>? wake;
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            if (coalesce && LiveFeed.LatestOnly.Contains(sent.Type))
            {
                Remove(e => e.Type == sent.Type);
            }

            if (_items.Count >= capacity)
            {
                _items.RemoveFirst();
            }

            _items.AddLast(sent);
            wake = _waiting;
            _waiting = null;
        }

        wake?.TrySetResult(true);
        return true;
    }

    /// <summary>
    /// Drops what a page that is behind can do without at the end: the large pictures (it keeps the ones it has) and the
    /// per-batch points and measurements (the per-epoch figures sum them up). The epochs, the confusion matrix and the end stay.
    /// </summary>
    public void DropStale()
    {
        lock (_gate)
        {
            Remove(e => Stale.Contains(e.Type));
        }
    }

    /// <summary>Takes no more; the page reads what is queued, then its stream ends.</summary>
    public void Complete()
    {
        TaskCompletionSource<bool>? wake;
        lock (_gate)
        {
            _completed = true;
            wake = _waiting;
            _waiting = null;
            if (_items.Count == 0)
            {
                _completion.TrySetResult();
            }
        }

        wake?.TrySetResult(false);
    }

    public override bool TryRead(out SentEvent item)
    {
        lock (_gate)
        {
            if (_items.First is { } first)
            {
                item = first.Value;
                _items.RemoveFirst();
                if (_completed && _items.Count == 0)
                {
                    _completion.TrySetResult();
                }

                return true;
            }
        }

        item = null!;
        return false;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        Task<bool> wait;
        lock (_gate)
        {
            if (_items.Count > 0)
            {
                return ValueTask.FromResult(true);
            }

            if (_completed)
            {
                return ValueTask.FromResult(false);
            }

            _waiting ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _waiting.Task;
        }

        return new ValueTask<bool>(wait.WaitAsync(cancellationToken));
    }

    private void Remove(Func<SentEvent, bool> match)
    {
        for (LinkedListNode<SentEvent>? node = _items.First; node is not null;)
        {
            LinkedListNode<SentEvent>? next = node.Next;
            if (match(node.Value))
            {
                _items.Remove(node);
            }

            node = next;
        }
    }
}
