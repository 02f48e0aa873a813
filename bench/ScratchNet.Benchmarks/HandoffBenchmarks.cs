using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Benchmarks;

/// <summary>
/// What handing one part of a kernel call to the second thread of a <see cref="ComputeTeam"/> costs, after the caller
/// has been busy for <see cref="GapMicroseconds"/> (a training step's other work between two split products).
/// The parts do nothing, so Mean − gap is the handoff: the wake-up of a spinning worker and the wait for it.
/// This is why <c>Training:Threads=2</c> may not pay at batch 32 on a given machine; run it there.
/// </summary>
public class HandoffBenchmarks
{
    private static readonly Action<int> Nothing = _ => { };
    private ComputeTeam _team = null!;

    [Params(0, 5, 20, 50, 100)]
    public int GapMicroseconds { get; set; }

    [GlobalSetup]
    public void Setup() => _team = new ComputeTeam(2);

    [GlobalCleanup]
    public void Cleanup() => _team.Dispose();

    /// <summary>Busy for the gap, then one Run split into two empty parts.</summary>
    [Benchmark]
    public void GapThenRun()
    {
        long until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 1_000_000 * GapMicroseconds);
        while (Stopwatch.GetTimestamp() < until)
        {
        }

        _team.Run(Nothing, 2);
    }
}
