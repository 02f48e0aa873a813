using System.Text.Json;
using System.Threading.Channels;

namespace ScratchNet.Dashboard.Live;

/// <summary>One update for the page: its event name (the SSE <c>event:</c> field) and a payload serialised as JSON.</summary>
public sealed record LiveEvent(string Type, object Payload);

/// <summary>An update as it was sent: numbered, and serialised once for every page.</summary>
public sealed record SentEvent(long Id, string Type, string Json);

/// <summary>
/// Carries training's updates to every open page. The trainer's thread only ever calls <see cref="Publish"/>, which
/// never waits: when the bounded queue is full the update is dropped and counted. A pump serialises each update
/// once, keeps what a page opened later needs (every curve point; of the large pictures only the newest) and
/// hands a copy to each subscriber's <see cref="PageQueue"/>. The large pictures (weight tiles, mistakes) go out at
/// most once per <see cref="PictureInterval"/> each, always the newest, and the ones held back go out before the end:
/// short epochs would otherwise send every page hundreds of kilobytes a second that it redraws unseen.
/// </summary>
public sealed class LiveFeed
{
    /// <summary>Updates kept for replay only in their newest form: each replaces the last (large, and only the latest matters).</summary>
    public static IReadOnlySet<string> LatestOnly { get; } = new HashSet<string>(StringComparer.Ordinal) { LiveEventTypes.Weights, LiveEventTypes.Confusion, LiveEventTypes.Mistakes };

    /// <summary>The large pictures, sent at most once per <see cref="PictureInterval"/> each.</summary>
    public static IReadOnlySet<string> Pictures { get; } = new HashSet<string>(StringComparer.Ordinal) { LiveEventTypes.Weights, LiveEventTypes.Mistakes };

    /// <summary>How often the pictures go out when epochs are shorter than this.</summary>
    public static readonly TimeSpan DefaultPictureInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many pages may follow the feed at once. Each holds the replay and up to its queue's worth of pictures (about
    /// 0.5 MB for a page that stops reading): 3,000 stalled readers took 1.5 GB of the training process. A class of 30
    /// with a few tabs each stays well under it.
    /// </summary>
    public const int MaxSubscribers = 100;

    /// <summary>
    /// The most train-loss points a page opened later is replayed. Past it, neighbours are merged in pairs (into the mean
    /// of the two, weighted by the points each stands for), so the replay covers the whole run at a coarser grain and stays
    /// this size however long the run: kept whole, the batch-level points of a 344-epoch run made 4.4 MB sent to every page
    /// that opened.
    /// </summary>
    public const int ReplayPointBudget = 2048;

    /// <summary>
    /// The most layer-statistics measurements replayed (each lists every parameter: larger than a loss point). Past it,
    /// of two neighbours the later stays: a measurement is one step's, not a mean.
    /// </summary>
    public const int ReplayMeasurementBudget = 512;

    private const int IncomingCapacity = 1024;
    private const int SubscriberCapacity = 1024;

    // The page parses these with JSON.parse only, never as HTML, so '+' and '/' of the base64 pictures need no \u escapes.
    // JSON has no NaN or infinity: such a number travels as null (unknown), so one bad value cannot stop the feed.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new FiniteOrNullConverter<double>(), new FiniteOrNullConverter<float>() },
    };

    // "Wait" only matters to writers that wait: TryWrite on a full queue returns false at once, which is what Publish counts.
    private readonly Channel<LiveEvent> _incoming = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(IncomingCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private readonly Lock _gate = new();
    private readonly List<Kept> _history = [];
    private readonly Dictionary<string, int> _thinnable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SentEvent> _latest = new(StringComparer.Ordinal);
    private readonly List<PageQueue> _subscribers = [];
    private readonly Dictionary<string, LiveEvent> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pictureSentAt = new(StringComparer.Ordinal);
    private long _sequence;
    private long _dropped;
    private long _unsendable;
    private Task? _pump;

    public LiveFeed()
        : this(DefaultPictureInterval)
    {
    }

    /// <param name="pictureInterval">
    /// The least time between two sent pictures of one kind. Zero sends every picture to every page, none held back or
    /// replaced while waiting (for tests and benchmarks that look at every update).
    /// </param>
    public LiveFeed(TimeSpan pictureInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pictureInterval, TimeSpan.Zero);
        PictureInterval = pictureInterval;
    }

    /// <summary>The least time between two sent pictures of one kind; the newest held back goes out when it has passed.</summary>
    public TimeSpan PictureInterval { get; }

    /// <summary>Updates refused because the queue was full (training never waits for a page).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// This feed's identity, new in every process. Event ids start again at 1 in each one, so a page that reconnects to a
    /// later run on the same port sees a new stream, and starts over instead of mixing the two runs.
    /// </summary>
    public string Stream { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Updates that could not be serialised (a bug in a payload); they are skipped and the feed goes on.</summary>
    public long Unsendable => Interlocked.Read(ref _unsendable);

    /// <summary>True once a run has begun reporting (a page then shows the live view).</summary>
    public bool HasRun { get; private set; }

    /// <summary>Queues an update without waiting. Returns false (and counts it) when the queue is full or closed.</summary>
    public bool Publish(LiveEvent update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (_incoming.Writer.TryWrite(update))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Starts the pump that serialises updates and hands them to the pages.</summary>
    public void Start()
    {
        lock (_gate)
        {
            _pump ??= Task.Run(PumpAsync);
        }
    }

    /// <summary>
    /// Takes no more updates, delivers the queued ones (the pictures held back included), then ends every page's stream.
    /// A page still behind when half the timeout has passed loses the pictures and per-batch points it has not received
    /// (<see cref="PageQueue.DropStale"/>), so the end reaches it.
    /// </summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _incoming.Writer.TryComplete();
        Task? pump;
        lock (_gate)
        {
            pump = _pump;
        }

        if (pump is not null)
        {
            await pump.WaitAsync(timeout).ConfigureAwait(false);
        }

        TimeSpan patience = (timeout / 2) - clock.Elapsed;
        while (patience > TimeSpan.Zero && Behind().Length > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
            patience = (timeout / 2) - clock.Elapsed;
        }

        lock (_gate)
        {
            foreach (PageQueue subscriber in _subscribers)
            {
                subscriber.DropStale();
                subscriber.Complete();
            }
        }
    }

    /// <summary>The history so far (to replay first) and a queue of what comes next, taken together so nothing is missed or sent twice.</summary>
    /// <exception cref="InvalidOperationException"><see cref="MaxSubscribers"/> pages already follow the feed.</exception>
    public Subscription Subscribe() =>
        TrySubscribe() ?? throw new InvalidOperationException($"The live feed already has {MaxSubscribers} subscribers; dispose one first.");

    /// <summary>As <see cref="Subscribe"/>, or null when <see cref="MaxSubscribers"/> pages already follow the feed.</summary>
    /// <param name="lastEventId">
    /// The id of the last update a reconnecting page received (its <c>Last-Event-ID</c>): one of this stream, already sent,
    /// leaves out of the replay what the page has (it grows with the run: 50–75 KB by epoch 2 of a CNN). Any other (another
    /// process's stream, a number not yet sent, garbage) gets the whole replay: the page then skips what it has seen.
    /// </param>
    public Subscription? TrySubscribe(string? lastEventId = null)
    {
        var channel = new PageQueue(SubscriberCapacity, coalesce: PictureInterval > TimeSpan.Zero);
        lock (_gate)
        {
            if (_subscribers.Count >= MaxSubscribers)
            {
                return null;
            }

            long after = Received(lastEventId);
            SentEvent[] replay = [.. _history.Select(k => k.Sent).Concat(_latest.Values).Where(e => e.Id > after).OrderBy(e => e.Id)];
            if (_incoming.Reader.Completion.IsCompleted && (_pump is null || _pump.IsCompleted))
            {
                channel.Complete();
            }
            else
            {
                _subscribers.Add(channel);
            }

            return new Subscription(replay, channel, () => Unsubscribe(channel));
        }
    }

    /// <summary>The id an update has on the page (the SSE <c>id:</c> field): "stream-number".</summary>
    public string EventId(SentEvent sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Stream}-{sent.Id}");
    }

    // The number of the last update a page has, when its Last-Event-ID is one this stream sent; 0 (all of the replay) otherwise.
    private long Received(string? lastEventId)
    {
        string prefix = Stream + "-";
        return lastEventId is not null && lastEventId.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(lastEventId.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number)
            && number >= 1 && number <= _sequence
            ? number
            : 0;
    }

    private PageQueue[] Behind()
    {
        lock (_gate)
        {
            return [.. _subscribers.Where(s => s.Count > 0)];
        }
    }

    private void Unsubscribe(PageQueue channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }
    }

    private async Task PumpAsync()
    {
        ChannelReader<LiveEvent> reader = _incoming.Reader;
        while (true)
        {
            TimeSpan? due = NextPictureDue();
            bool more;
            if (due is null)
            {
                more = await reader.WaitToReadAsync().ConfigureAwait(false);
            }
            else
            {
                using var wake = new CancellationTokenSource(due.Value);
                try
                {
                    more = await reader.WaitToReadAsync(wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    SendHeldPictures(onlyDue: true);
                    continue;
                }
            }

            if (!more)
            {
                break;
            }

            while (reader.TryRead(out LiveEvent? update))
            {
                Take(update);
            }

            SendHeldPictures(onlyDue: true);
        }

        // The last pictures (the final epoch's) always go out.
        SendHeldPictures(onlyDue: false);
    }

    private void Take(LiveEvent update)
    {
        if (Pictures.Contains(update.Type) && !PictureDue(update.Type))
        {
            _held[update.Type] = update;
            return;
        }

        if (update.Type == LiveEventTypes.End)
        {
            // The pictures held back show the state the run ended in: they go first.
            SendHeldPictures(onlyDue: false);
        }

        _held.Remove(update.Type);
        Send(update);
    }

    private bool PictureDue(string type) =>
        !_pictureSentAt.TryGetValue(type, out long sentAt) || System.Diagnostics.Stopwatch.GetElapsedTime(sentAt) >= PictureInterval;

    private TimeSpan? NextPictureDue()
    {
        TimeSpan? next = null;
        foreach (string type in _held.Keys)
        {
            TimeSpan wait = PictureInterval - System.Diagnostics.Stopwatch.GetElapsedTime(_pictureSentAt[type]);
            wait = wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
            next = next is null || wait < next ? wait : next;
        }

        return next;
    }

    private void SendHeldPictures(bool onlyDue)
    {
        foreach (string type in _held.Keys.ToArray())
        {
            if (!onlyDue || PictureDue(type))
            {
                LiveEvent update = _held[type];
                _held.Remove(type);
                Send(update);
            }
        }
    }

    private void Send(LiveEvent update)
    {
        if (Pictures.Contains(update.Type))
        {
            _pictureSentAt[update.Type] = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        string json;
        try
        {
            json = JsonSerializer.Serialize(update.Payload, update.Payload.GetType(), Json);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException or JsonException)
        {
            // One update the serialiser refuses is lost; the pump, and every update after it, is not.
            Interlocked.Increment(ref _unsendable);
            return;
        }

        lock (_gate)
        {
            var sent = new SentEvent(++_sequence, update.Type, json);
            if (LatestOnly.Contains(update.Type))
            {
                _latest[update.Type] = sent;
            }
            else
            {
                bool thinnable = update.Payload is BatchPoint or LayerStatistics;
                _history.Add(new Kept(sent, thinnable ? update.Payload : null, 1));
                if (thinnable && (_thinnable[update.Type] = _thinnable.GetValueOrDefault(update.Type) + 1) > (update.Payload is BatchPoint ? ReplayPointBudget : ReplayMeasurementBudget))
                {
                    Thin(update.Type);
                }
            }

            HasRun |= update.Type == LiveEventTypes.Run;
            foreach (PageQueue subscriber in _subscribers)
            {
                subscriber.Offer(sent);
            }
        }
    }

    /// <summary>An update kept for replay; for a batch-level point, its payload and how many points it stands for.</summary>
    private sealed record Kept(SentEvent Sent, object? Payload, int Points);

    // Merges the batch-level points of one kind in neighbouring pairs, halving them. A merged point takes the later one's
    // id and place, so the replay stays in order and a page that already has the later point skips it after a reconnect.
    private void Thin(string type)
    {
        var thinned = new List<Kept>(_history.Count);
        int kept = 0;
        int? pending = null;
        foreach (Kept entry in _history)
        {
            if (entry.Payload is null || entry.Sent.Type != type)
            {
                thinned.Add(entry);
                continue;
            }

            if (pending is not int at)
            {
                pending = thinned.Count;
                thinned.Add(entry);
                kept++;
                continue;
            }

            thinned[at] = Merged(thinned[at], entry);
            pending = null;
        }

        _history.Clear();
        _history.AddRange(thinned);
        _thinnable[type] = kept;
    }

    private static Kept Merged(Kept earlier, Kept later)
    {
        int points = earlier.Points + later.Points;
        if (earlier.Payload is BatchPoint a && later.Payload is BatchPoint b)
        {
            // Each loss point is the mean over the same number of batches, so the merged one weighs each by its points.
            BatchPoint merged = b with { Loss = ((a.Loss * earlier.Points) + (b.Loss * later.Points)) / points };
            string json = JsonSerializer.Serialize(merged, Json);
            return new Kept(later.Sent with { Json = json }, merged, points);
        }

        // A layer measurement is one step's, not a mean: the later stands for both.
        return later with { Points = points };
    }

    private sealed class FiniteOrNullConverter<T> : System.Text.Json.Serialization.JsonConverter<T>
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        private static readonly System.Text.Json.Serialization.JsonConverter<T> Number =
            (System.Text.Json.Serialization.JsonConverter<T>)JsonSerializerOptions.Default.GetConverter(typeof(T));

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? T.NaN : Number.Read(ref reader, typeToConvert, options);

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (T.IsFinite(value))
            {
                Number.Write(writer, value, options);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
