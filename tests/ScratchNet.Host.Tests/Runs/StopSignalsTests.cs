using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScratchNet.Host.Runs;
using ScratchNet.Host.Tests.Support;

namespace ScratchNet.Host.Tests.Runs;

/// <summary>The answer to a stop signal says what the command does now, and promises nothing it does not do.</summary>
public sealed class StopSignalsTests
{
    [TestCase("diagnose", "diagnose ends at its next step, without a result")]
    [TestCase("serve", "the dashboard closes")]
    [TestCase("export", "export finishes the file it is writing, then exits")]
    public void TheAnswerSaysWhatTheCommandDoesNow(string command, string expected)
    {
        // export ignores the stop: its file is written whole and it exits 0, so "without a result" would be untrue there.
        using IHost host = TestHost.Build([command, "--Dashboard:Port=0"], SyntheticMnist.Create());

        Assert.That(host.Services.GetServices<IHostedService>().OfType<StopSignals>().Single().WhatHappens(), Is.EqualTo(expected));
    }
}
