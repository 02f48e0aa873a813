using ScratchNet.Dashboard.Live;

namespace ScratchNet.Dashboard.Tests.Support;

/// <summary>Reads a subscription as an open page does, while the feed runs: a page that never reads is behind, and loses pictures at the end.</summary>
public static class PageReader
{
    /// <summary>Starts reading at once; the task ends with the stream.</summary>
    public static Task<List<SentEvent>> ReadAsPage(this Subscription subscription) => Task.Run(async () =>
    {
        var events = new List<SentEvent>();
        await foreach (SentEvent e in subscription.Updates.ReadAllAsync())
        {
            events.Add(e);
        }

        return events;
    });
}
