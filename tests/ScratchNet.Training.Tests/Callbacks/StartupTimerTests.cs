using ScratchNet.Training.Callbacks;

namespace ScratchNet.Training.Tests.Callbacks;

/// <summary>The start-up time is counted in UTC, so a change to summer time between process start and the first batch adds no hour.</summary>
public sealed class StartupTimerTests
{
    [Test]
    public void AChangeToSummerTimeBetweenStartAndFirstBatchAddsNoHour()
    {
        TimeZoneInfo berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        // 29 March 2026, 01:59:59.900 in Berlin (UTC+1); 200 ms later the clocks read 03:00:00.100 (UTC+2).
        var start = new DateTime(2026, 3, 29, 1, 59, 59, 900, DateTimeKind.Unspecified);
        DateTime firstBatch = new DateTime(2026, 3, 29, 1, 0, 0, 100, DateTimeKind.Utc);

        Assert.That(StartupTimer.MillisecondsSince(start, berlin, firstBatch), Is.EqualTo(200).Within(1e-6));
    }

    [Test]
    public void AUtcStartIsTakenAsItIs()
    {
        var start = new DateTime(2026, 10, 25, 0, 59, 59, DateTimeKind.Utc);

        Assert.That(StartupTimer.MillisecondsSince(start, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"), start.AddMilliseconds(1500)), Is.EqualTo(1500).Within(1e-6));
    }
}
