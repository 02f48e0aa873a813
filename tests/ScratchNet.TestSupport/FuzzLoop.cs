using System.Diagnostics;
using System.Globalization;
using ScratchNet.Core.Random;

namespace ScratchNet.TestSupport;

/// <summary>What a fuzz run saw.</summary>
public sealed class FuzzStats
{
    public int Accepted { get; set; }

    public int Rejected { get; set; }

    public double SlowestMs { get; set; }

    public long MostAllocatedBeyondLimitBase { get; set; }

    public TimeSpan Elapsed { get; set; }
}

/// <summary>
/// The loop of a mutation fuzzer, as the IDX reader's: inputs from a seeded generator, read under
/// <see cref="FuzzWatchdog"/>; only <typeparamref name="TDocumented"/> (whose message names the input) may come out, and no
/// input may make the reader allocate more than <c>multiple × input length + constant</c> bytes.
/// SCRATCHNET_TEST_FUZZ_ITERATIONS and SCRATCHNET_TEST_FUZZ_SEED override the count and seed for a dedicated run.
/// </summary>
public static class FuzzLoop
{
    public const string Source = "fuzz-input";

    /// <param name="next">The next input, from the run's generator.</param>
    /// <param name="read">Reads one input: returns for an accepted input (checking what it read), throws to reject it.</param>
    public static FuzzStats Run<TDocumented>(int defaultIterations, Func<Xoshiro256, byte[]> next, Action<byte[]> read, int allocationMultiple, long allocationConstant)
        where TDocumented : Exception
    {
        int iterations = FuzzWatchdog.Iterations(defaultIterations);
        ulong seed = FuzzWatchdog.Seed(20_261_124);
        var stats = new FuzzStats();
        stats.Elapsed = FuzzWatchdog.Run(watch =>
        {
            var rng = new Xoshiro256(seed);
            for (int i = 0; i < iterations; i++)
            {
                byte[] input = next(rng);
                watch(input);
                One<TDocumented>(input, read, allocationMultiple, allocationConstant, stats);
            }
        });
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{iterations} inputs (seed {seed}) in {stats.Elapsed.TotalSeconds:F1} s: {stats.Accepted} accepted, {stats.Rejected} rejected; slowest {stats.SlowestMs:F2} ms; most allocated for one input {stats.MostAllocatedBeyondLimitBase} bytes beyond {allocationMultiple} × its length"));
        Assert.That(stats.Rejected, Is.GreaterThan(iterations / 2), "the mutations must mostly break the input, or they test nothing");
        return stats;
    }

    private static void One<TDocumented>(byte[] input, Action<byte[]> read, int multiple, long constant, FuzzStats stats)
        where TDocumented : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        try
        {
            read(input);
            stats.Accepted++;
        }
        catch (TDocumented ex)
        {
            if (string.IsNullOrWhiteSpace(ex.Message) || !ex.Message.Contains(Source, StringComparison.Ordinal))
            {
                throw new AssertionException($"the message does not name the input: '{ex.Message}' for (base64) {Convert.ToBase64String(input)}");
            }

            stats.Rejected++;
        }
        catch (Exception ex) when (ex is not AssertionException)
        {
            throw new AssertionException($"{ex.GetType().Name} escaped the reader for (base64) {Convert.ToBase64String(input)}: {ex}");
        }

        double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        long beyond = GC.GetAllocatedBytesForCurrentThread() - before - ((long)multiple * input.Length);
        stats.SlowestMs = Math.Max(stats.SlowestMs, ms);
        stats.MostAllocatedBeyondLimitBase = Math.Max(stats.MostAllocatedBeyondLimitBase, beyond);
        if (beyond > constant)
        {
            throw new AssertionException($"allocated {beyond + ((long)multiple * input.Length)} bytes for a {input.Length}-byte input (limit {multiple} × length + {constant}): (base64) {Convert.ToBase64String(input)}");
        }
    }

}
