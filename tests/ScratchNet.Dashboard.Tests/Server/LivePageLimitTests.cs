using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScratchNet.Dashboard.Live;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Server;

// A script holding thousands of live streams open took the training process's memory; one page more than the cap is told so.
public sealed class LivePageLimitTests
{
    [Test]
    public async Task OneLivePageMoreThanTheCap_IsA503SayingWhatToDo()
    {
        using var temp = new TempDirectory();
        await using InProcessDashboard dashboard = await InProcessDashboard.StartAsync(new DashboardSources(temp.Combine("runs")));
        // A run under way, as a page that opens the feed finds it.
        dashboard.Feed.Publish(new LiveEvent(LiveEventTypes.Run, new { epochs = 3 }));
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var open = new List<HttpResponseMessage>();
        try
        {
            for (int i = 0; i < LiveFeed.MaxSubscribers; i++)
            {
                HttpResponseMessage page = await dashboard.Client.GetAsync("/api/live/events", HttpCompletionOption.ResponseHeadersRead, patience.Token);
                open.Add(page);
                Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"page {i + 1}");
            }

            using HttpResponseMessage refused = await dashboard.Client.GetAsync("/api/live/events", HttpCompletionOption.ResponseHeadersRead, patience.Token);

            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(refused.Headers.RetryAfter, Is.Not.Null);
            string error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
            Assert.That(error, Does.Contain($"already serves {LiveFeed.MaxSubscribers} live pages; close some"));
        }
        finally
        {
            open.ForEach(p => p.Dispose());
        }
    }
}
