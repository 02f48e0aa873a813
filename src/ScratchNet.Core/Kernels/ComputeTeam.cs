using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// A fixed team of threads for splitting one kernel call into parts: the caller runs part 0 and
/// <see cref="Threads"/> − 1 dedicated background threads run the others. Run allocates nothing,
/// so training steps stay allocation-free.
/// </summary>
/// <remarks>
/// Kernel calls in a training step last microseconds, far less than waking a sleeping thread, so a
/// worker spins (yielding to other threads) for a short while after each part before it blocks.
/// The team only hands out parts; callers split the output rows or columns, never the reduction
/// axis, so the arithmetic per element and the results do not depend on the thread count.
/// </remarks>
public sealed class ComputeTeam : IDisposable
{
    /// <summary>How long an idle worker spins before it blocks: longer than the gap between two kernels of a step.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000;

    private readonly Thread[] _workers;
    private readonly object _gate = new();
    private Action<int>? _work;
    private int _parts;
    private int _generation;
    private int _remaining;
    private bool _disposed;
    private ExceptionDispatchInfo? _failure;

    public ComputeTeam(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        Threads = threads;
        _workers = new Thread[threads - 1];
        for (int t = 0; t < _workers.Length; t++)
        {
            int part = t + 1;
            _workers[t] = new Thread(() => WorkerLoop(part)) { IsBackground = true, Name = $"ScratchNet compute {part}" };
            _workers[t].Start();
        }
    }

    /// <summary>One thread: every Run executes on the caller.</summary>
    public static ComputeTeam Single { get; } = new(1);

    /// <summary>The most parts one Run can execute at once (the caller included).</summary>
    public int Threads { get; }

    /// <summary>Runs work(0) … work(parts − 1) in parallel, part 0 on the calling thread, and returns when all are done.</summary>
    public void Run(Action<int> work, int parts)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, Threads);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (parts == 1)
        {
            work(0);
            return;
        }

        _work = work;
        _parts = parts;
        _failure = null;
        Volatile.Write(ref _remaining, _workers.Length);
        lock (_gate)
        {
            _generation++;
            Monitor.PulseAll(_gate);
        }

        try
        {
            work(0);
        }
        finally
        {
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _remaining) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            _work = null;
        }

        _failure?.Throw();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void WorkerLoop(int part)
    {
        int seen = 0;
        while (true)
        {
            // Spin first: the next kernel usually follows within microseconds.
            long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _generation) == seen && !Volatile.Read(ref _disposed) && Stopwatch.GetTimestamp() < spinUntil)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            lock (_gate)
            {
                while (_generation == seen && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_disposed)
                {
                    return;
                }

                seen = _generation;
            }

            try
            {
                if (part < _parts)
                {
                    _work!(part);
                }
            }
            catch (Exception ex)
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                Interlocked.Decrement(ref _remaining);
            }
        }
    }
}
