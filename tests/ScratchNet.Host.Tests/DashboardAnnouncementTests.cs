namespace ScratchNet.Host.Tests;

public sealed class DashboardAnnouncementTests
{
    [Test]
    public void AnAddressWritten_IsPrintedOnce_AndNothingIsLeftUnwritten()
    {
        var inner = new StringWriter();
        var output = new StandardOutput(inner);
        var announcement = new DashboardAnnouncement(new ResultWriter(output), output);

        Assert.That(announcement.Announce("http://127.0.0.1:5757/"), Is.True);

        Assert.That(inner.ToString(), Is.EqualTo("Dashboard at http://127.0.0.1:5757/" + Environment.NewLine));
        Assert.That(announcement.Unwritten, Is.Null);
    }

    // serve > /dev/full served unseen and exited 0: with a free port its address is nowhere else.
    [Test]
    public void AnAddressThatCannotBeWritten_IsRemembered_WithWhy()
    {
        var output = new StandardOutput(new FullDisk());
        var announcement = new DashboardAnnouncement(new ResultWriter(output), output);

        Assert.That(announcement.Announce("http://127.0.0.1:41234/"), Is.True, "the dashboard listens; only its line is lost");

        Assert.That(announcement.Unwritten?.Address, Is.EqualTo("http://127.0.0.1:41234/"));
        Assert.That(announcement.Unwritten?.Failure.Message, Is.EqualTo("No space left on device"));
    }

    [Test]
    public void AStopFirst_KeepsTheAddressFromBeingPrinted()
    {
        var inner = new StringWriter();
        var output = new StandardOutput(inner);
        var announcement = new DashboardAnnouncement(new ResultWriter(output), output);

        Assert.That(announcement.StopBeforeAnnounced(), Is.True);

        Assert.That(announcement.Announce("http://127.0.0.1:5757/"), Is.False);
        Assert.That(inner.ToString(), Is.Empty);
        Assert.That(announcement.Unwritten, Is.Null);
    }

    private sealed class FullDisk : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => throw new IOException("No space left on device");

        public override void Write(string? value) => throw new IOException("No space left on device");

        public override void WriteLine(string? value) => throw new IOException("No space left on device");
    }
}
