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

    // probe-cnn G3: predict blocked on a full stdout pipe at the signal was told "without a result", then printed all 400
    // readings and exited 0. The answer and the first result line decide together which came first.
    [TestCase("predict")]
    [TestCase("evaluate")]
    [TestCase("diagnose")]
    public void AStopAfterTheFirstResult_SaysTheResultsAreFinished_AndOneBefore_KeepsEveryResultFromBeingWritten(string command)
    {
        using IHost before = TestHost.Build([command, "--Dashboard:Port=0"], SyntheticMnist.Create());
        using IHost after = TestHost.Build([command, "--Dashboard:Port=0"], SyntheticMnist.Create());
        after.Services.GetRequiredService<ResultWriter>().WriteLine("seven.png: 7 (p=0.9993)");

        string early = before.Services.GetServices<IHostedService>().OfType<StopSignals>().Single().WhatHappens();
        string late = after.Services.GetServices<IHostedService>().OfType<StopSignals>().Single().WhatHappens();

        Assert.That(early, Is.EqualTo($"{command} ends at its next step, without a result"));
        Assert.Throws<OperationCanceledException>(() => before.Services.GetRequiredService<ResultWriter>().WriteLine("seven.png: 7 (p=0.9993)"), "no result after that answer");
        Assert.That(late, Is.EqualTo($"{command} is writing its results; it finishes them, then exits"));
        Assert.DoesNotThrow(() => after.Services.GetRequiredService<ResultWriter>().WriteLine("nine.png: 9 (p=0.9728)"), "the rest of the results");
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
