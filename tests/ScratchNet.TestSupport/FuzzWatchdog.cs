using System.Diagnostics;
using System.Globalization;

namespace ScratchNet.TestSupport;

/// <summary>
/// Runs a fuzz loop on its own thread so a hang is seen instead of stalling the test run: the loop calls
/// <c>watch(input)</c> before reading each input, and an input read for over <see cref="PerInputLimit"/> fails the
/// test with the input in base64. SCRATCHNET_TEST_FUZZ_ITERATIONS and SCRATCHNET_TEST_FUZZ_SEED set a dedicated run.
/// </summary>
public static class FuzzWatchdog
{
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(5);

    public static int Iterations(int fallback) => EnvironmentInt("SCRATCHNET_TEST_FUZZ_ITERATIONS", fallback);

    public static ulong Seed(int fallback) => (ulong)EnvironmentInt("SCRATCHNET_TEST_FUZZ_SEED", fallback);

    /// <returns>How long the loop took.</returns>
    public static TimeSpan Run(Action<Action<byte[]>> loop)
    {
        byte[]? current = null;
        long currentStarted = 0;
        Exception? crash = null;
        var worker = new Thread(() =>
        {
            try
            {
                loop(input =>
                {
                    Volatile.Write(ref current, input);
                    Volatile.Write(ref currentStarted, Stopwatch.GetTimestamp());
                });
            }
            catch (Exception ex)
            {
                crash = ex;
            }
        })
        { IsBackground = true };
        var clock = Stopwatch.StartNew();
        worker.Start();
        while (!worker.Join(TimeSpan.FromMilliseconds(100)))
        {
            long started = Volatile.Read(ref currentStarted);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > PerInputLimit)
            {
                Assert.Fail($"the reader spent over {PerInputLimit.TotalSeconds} s on one input (base64): {Convert.ToBase64String(Volatile.Read(ref current)!)}");
            }
        }

        Assert.That(crash, Is.Null, crash?.ToString());
        return clock.Elapsed;
    }

    private static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;
}
