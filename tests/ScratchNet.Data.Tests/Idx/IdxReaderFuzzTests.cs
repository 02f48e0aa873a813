using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using ScratchNet.Core.Random;
using ScratchNet.Data.Idx;

namespace ScratchNet.Data.Tests.Idx;

/// <summary>
/// Mutation fuzzing of the IDX reader over valid raw and gzip inputs, through seekable and forward-only streams.
/// Only <see cref="InvalidDataFormatException"/> may come out; no input may take long; no input may make the reader
/// allocate much beyond its own size (a forged header must not buy memory). CI runs 2,000 inputs; a dedicated run sets
/// SCRATCHNET_TEST_FUZZ_ITERATIONS (e.g. 100000) and optionally SCRATCHNET_TEST_FUZZ_SEED.
/// </summary>
public sealed class IdxReaderFuzzTests
{
    private const int DefaultIterations = 2_000;

    /// <summary>The reader's first chunk for a stream of unknown length (1 MiB), plus room for messages and gzip state.</summary>
    private const long FixedAllowanceBytes = (1 << 20) + (256 << 10);

    private static readonly byte[][] Seeds =
    [
        IdxFiles.Labels(count: 20, seed: 1),
        IdxFiles.Images(count: 4, rows: 5, cols: 6, seed: 2),
        IdxFiles.Images(count: 3, rows: 28, cols: 28, seed: 3),
        IdxFiles.Build([2, 3, 2, 2], new byte[24]),
    ];

    private enum Shape
    {
        Raw,
        GzipOfDamaged,
        DamagedGzip,
    }

    [Test]
    public void MutatedInputsRaiseOnlyInvalidDataFormatExceptionNeverHangAndNeverAllocateBeyondTheirSize()
    {
        int iterations = FuzzWatchdog.Iterations(DefaultIterations);
        ulong seed = FuzzWatchdog.Seed(20_241_124);
        var stats = new FuzzStats();
        TimeSpan elapsed = FuzzWatchdog.Run(watch =>
        {
            var rng = new Xoshiro256(seed);
            for (int i = 0; i < iterations; i++)
            {
                (byte[] input, Shape shape) = NextInput(rng);
                watch(input);
                FuzzOne(input, shape, forwardOnly: rng.NextInt(2) == 0, stats);
            }
        });

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{iterations} inputs (seed {seed}) in {elapsed.TotalSeconds:F1} s: {stats.Accepted} accepted, {stats.Rejected} rejected; slowest {stats.SlowestMs:F2} ms; most allocated for one input {stats.MostAllocated} bytes; a seekable raw input at most {stats.WorstSeekableExcess} bytes beyond its length"));
        Assert.That(stats.Rejected, Is.GreaterThan(iterations / 2), "the mutations must mostly break the input, or they test nothing");
        Assert.That(stats.Accepted, Is.GreaterThan(0), "some mutations (pixel flips) leave a valid file that must still read");
    }

    private static (byte[] Input, Shape Shape) NextInput(Xoshiro256 rng)
    {
        byte[] valid = Seeds[rng.NextInt(Seeds.Length)];
        var shape = (Shape)rng.NextInt(3);
        return shape switch
        {
            Shape.Raw => (IdxMutator.Mutate(valid, rng), shape),
            Shape.GzipOfDamaged => (IdxFiles.Gzip(IdxMutator.Mutate(valid, rng)), shape),
            _ => (IdxMutator.Mutate(IdxFiles.Gzip(valid), rng), shape),
        };
    }

    private static void FuzzOne(byte[] input, Shape shape, bool forwardOnly, FuzzStats stats)
    {
        long contentLength = shape == Shape.Raw ? input.Length : Math.Max(input.Length, DecompressedLength(input));
        // Forward-only: the reader's own replay stream with nothing to replay, over a plain MemoryStream (a MemoryStream
        // subclass would take Stream's default span Read, which rents a buffer as large as the request).
        using Stream stream = forwardOnly ? new PrefixedStream([], new MemoryStream(input, writable: false)) : new MemoryStream(input, writable: false);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        try
        {
            IdxArray array = IdxReader.Read(stream, "fuzz");
            long product = array.Dimensions.Aggregate(1L, (p, d) => p * d);
            if (array.Dimensions.Any(d => d <= 0) || product != array.Data.Length || array.Data.Length > contentLength)
            {
                throw new AssertionException($"accepted an inconsistent array {array} from (base64) {Convert.ToBase64String(input)}");
            }

            stats.Accepted++;
        }
        catch (InvalidDataFormatException ex)
        {
            if (string.IsNullOrWhiteSpace(ex.Message) || !ex.Message.Contains("fuzz", StringComparison.Ordinal))
            {
                throw new AssertionException($"the message does not name the input: '{ex.Message}'");
            }

            stats.Rejected++;
        }
        catch (Exception ex) when (ex is not AssertionException)
        {
            throw new AssertionException($"{ex.GetType().Name} escaped the reader ({shape}, forward-only {forwardOnly}) for (base64) {Convert.ToBase64String(input)}: {ex}");
        }

        double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        stats.SlowestMs = Math.Max(stats.SlowestMs, ms);
        stats.MostAllocated = Math.Max(stats.MostAllocated, allocated);
        if (shape == Shape.Raw && !forwardOnly)
        {
            stats.WorstSeekableExcess = Math.Max(stats.WorstSeekableExcess, allocated - contentLength);
        }

        // A seekable raw file is checked against its length before anything is allocated; every other input may cost
        // the first chunk plus geometric growth up to what the stream really delivered.
        long limit = shape == Shape.Raw && !forwardOnly ? (2 * contentLength) + (64 << 10) : (4 * contentLength) + FixedAllowanceBytes;
        if (allocated > limit)
        {
            throw new AssertionException($"allocated {allocated} bytes for a {contentLength}-byte content (limit {limit}; {shape}, forward-only {forwardOnly}): (base64) {Convert.ToBase64String(input)}");
        }
    }

    /// <summary>How many bytes the gzip stream really delivers before it ends or breaks (capped, in case of a bomb).</summary>
    private static long DecompressedLength(byte[] input)
    {
        long total = 0;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(input), CompressionMode.Decompress);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = gzip.Read(buffer)) > 0 && total < (64 << 20))
            {
                total += read;
            }
        }
        catch (InvalidDataException)
        {
        }

        return total;
    }

    private sealed class FuzzStats
    {
        public int Accepted { get; set; }

        public int Rejected { get; set; }

        public double SlowestMs { get; set; }

        public long MostAllocated { get; set; }

        public long WorstSeekableExcess { get; set; }
    }
}
