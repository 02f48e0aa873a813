using System.Net;
using System.Text.Json;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Live;

// Under serve the feed took a place and never answered, not even a status line (probe-http U2); under train --dashboard
// the status line waited for the first event. A reconnect got the whole replay whatever its Last-Event-ID (U7).
public sealed class LiveEndpointTests
{
    // Long enough for a loaded machine; a request that never answers fails here instead of hanging the run.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private static async Task<HttpResponseMessage> Open(InProcessDashboard dashboard, string? lastEventId = null)
    {
        using var patience = new CancellationTokenSource(Patience);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/live/events");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return await dashboard.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, patience.Token);
    }

    [Test]
    public async Task UnderServe_TheFeedAnswersAtOnceWithAReason_AndTakesNoPlace()
    {
        using var temp = new TempDirectory();
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(new DashboardSources(temp.Combine("runs")) { Serving = true });

        for (int i = 0; i <= LiveFeed.MaxSubscribers; i++)
        {
            using HttpResponseMessage answer = await Open(dashboard);
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"request {i + 1}");
            string error = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
            Assert.That(error, Does.StartWith("serve has no live feed").And.Contain("train --dashboard --Dashboard:Port=N"));
        }

        using Subscription place = dashboard.Feed.TrySubscribe() ?? throw new AssertionException("the refused requests took the feed's places");
    }

    [Test]
    public async Task UnderTraining_TheStatusLineAndHeadersGoOutBeforeAnyEvent()
    {
        using var temp = new TempDirectory();
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(new DashboardSources(temp.Combine("runs")));

        using HttpResponseMessage stream = await Open(dashboard);

        Assert.That(stream.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(stream.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
    }

    // HEAD is answered as GET is, without the body: on the feed that is the status line and headers, and no place.
    [Test]
    public async Task AHeadOnTheFeed_IsAnsweredAsAGet_AndTakesNoPlace()
    {
        using var temp = new TempDirectory();
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(new DashboardSources(temp.Combine("runs")));
        using var patience = new CancellationTokenSource(Patience);

        for (int i = 0; i <= LiveFeed.MaxSubscribers; i++)
        {
            using HttpResponseMessage head = await dashboard.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/live/events"), patience.Token);
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"request {i + 1}");
            Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        }

        using Subscription place = dashboard.Feed.TrySubscribe() ?? throw new AssertionException("the HEAD requests took the feed's places");
    }

    [Test]
    public async Task AReconnectWithAnIdOfThisStream_GetsOnlyWhatFollowsIt_AnyOtherIdTheWholeReplay()
    {
        using var temp = new TempDirectory();
        var feed = new LiveFeed(TimeSpan.Zero);
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(new DashboardSources(temp.Combine("runs")), feed);
        feed.Publish(new LiveEvent(LiveEventTypes.Run, new { epochs = 4 }));
        for (int epoch = 1; epoch <= 4; epoch++)
        {
            feed.Publish(new LiveEvent(LiveEventTypes.Epoch, new { epoch }));
        }

        // Completed, each stream is the replay and then ends, so it can be read whole.
        await feed.CompleteAsync(TimeSpan.FromSeconds(30));
        string[] all = [.. Enumerable.Range(1, 5).Select(n => $"{feed.Stream}-{n}")];

        Assert.That(await Ids(dashboard, null), Is.EqualTo(all));
        Assert.That(await Ids(dashboard, $"{feed.Stream}-3"), Is.EqualTo(all[3..]));
        Assert.That(await Ids(dashboard, $"{feed.Stream}-5"), Is.Empty);
        foreach (string other in new[] { $"{feed.Stream}-6", $"{feed.Stream}-0", $"{feed.Stream}--1", $"{feed.Stream}-2x", "0123456789ab-3", "garbage", "", new string('9', 10_000) })
        {
            Assert.That(await Ids(dashboard, other), Is.EqualTo(all), $"Last-Event-ID '{other[..Math.Min(other.Length, 20)]}'");
        }
    }

    private static async Task<string[]> Ids(InProcessDashboard dashboard, string? lastEventId)
    {
        using HttpResponseMessage stream = await Open(dashboard, lastEventId);
        Assert.That(stream.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        string text = await stream.Content.ReadAsStringAsync();
        return [.. text.Split('\n').Where(l => l.StartsWith("id: ", StringComparison.Ordinal)).Select(l => l["id: ".Length..])];
    }
}
