using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

public class ComputeTeamTests
{
    [Test]
    public void Run_ExecutesEveryPartOnce()
    {
        using var team = new ComputeTeam(3);
        var counts = new int[3];
        for (int round = 0; round < 200; round++)
        {
            team.Run(part => Interlocked.Increment(ref counts[part]), 3);
        }

        Assert.That(counts, Is.EqualTo(new[] { 200, 200, 200 }));
    }

    [Test]
    public void Run_WithFewerPartsThanThreads_LeavesTheOtherWorkersIdle()
    {
        using var team = new ComputeTeam(3);
        var counts = new int[3];
        team.Run(part => Interlocked.Increment(ref counts[part]), 2);
        Assert.That(counts, Is.EqualTo(new[] { 1, 1, 0 }));
    }

    [Test]
    public void Run_RethrowsAWorkersException_OnTheCaller()
    {
        using var team = new ComputeTeam(2);
        var ex = Assert.Throws<InvalidOperationException>(() => team.Run(part => { if (part == 1) { throw new InvalidOperationException("part 1 failed"); } }, 2));
        Assert.That(ex!.Message, Is.EqualTo("part 1 failed"));

        // The team still works afterwards.
        int calls = 0;
        team.Run(_ => Interlocked.Increment(ref calls), 2);
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public void Run_Throws_WhenPartsExceedThreads()
    {
        using var team = new ComputeTeam(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => team.Run(_ => { }, 3));
    }

    [Test]
    public void Constructor_Throws_WhenThreadsIsNotPositive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ComputeTeam(0));

    [Test]
    public void Run_Throws_AfterDispose()
    {
        var team = new ComputeTeam(2);
        team.Dispose();
        Assert.Throws<ObjectDisposedException>(() => team.Run(_ => { }, 1));
    }
}
