using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests.Runs;

/// <summary>The answer to a stop signal says what the command does now, and promises nothing it does not do.</summary>
public sealed class StopSignalsTests
{
    [TestCase("diagnose", "diagnose ends at its next step, without a result")]
    [TestCase("export", "export finishes the file it is writing, then exits")]
    public void TheAnswerSaysWhatTheCommandDoesNow(string command, string expected)
    {
        // export ignores the stop: its file is written whole and it exits 0, so "without a result" would be untrue there.
        using IHost host = TestHost.Build([command, "--Dashboard:Port=0"], SyntheticMnist.Create());

        Assert.That(host.Services.GetServices<IHostedService>().OfType<StopSignals>().Single().WhatHappens(), Is.EqualTo(expected));
    }

    // The answer and the URL line decide together which came first: once the URL is printed the dashboard
    // served and closes; a stop before it keeps the URL from ever being printed.
    [Test]
    public void ServesAnswerSaysTheDashboardCloses_OnlyOnceItsUrlWasPrinted()
    {
        using IHost before = TestHost.Build(["serve", "--Dashboard:Port=0"], SyntheticMnist.Create());
        using IHost after = TestHost.Build(["serve", "--Dashboard:Port=0"], SyntheticMnist.Create());
        Assert.That(after.Services.GetRequiredService<DashboardAnnouncement>().Announce("http://127.0.0.1:1/"), Is.True);

        string early = before.Services.GetServices<IHostedService>().OfType<StopSignals>().Single().WhatHappens();
        string late = after.Services.GetServices<IHostedService>().OfType<StopSignals>().Single().WhatHappens();

        Assert.That(early, Is.EqualTo("the dashboard has not begun serving and will not; serve exits now"));
        Assert.That(before.Services.GetRequiredService<DashboardAnnouncement>().Announce("http://127.0.0.1:1/"), Is.False, "no URL after that answer");
        Assert.That(late, Is.EqualTo("the dashboard closes"));
    }
}
