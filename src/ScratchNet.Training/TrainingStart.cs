namespace ScratchNet.Training;

/// <summary>
/// Whether this process's training has begun: its first batch, the first change to the weights and the first moment a
/// stop needs a resume point to lose nothing. The trainer and a stop decide it once, between them, so that the answer to a
/// stop signal and what the run then does agree: a stop that comes first keeps training from beginning (a fresh run leaves
/// no folder, a resumed one stays at its resume point); one that comes after ends training at a batch with a resume point.
/// </summary>
public sealed class TrainingStart
{
    private readonly StopRace _race = new();

    /// <summary>True once training has begun; it then runs until a batch boundary or its end.</summary>
    public bool HasBegun => _race.HasBegun;

    /// <summary>
    /// The trainer's claim, just before the first batch it runs (or, with no batch left to run, before its end): true when
    /// training begins now; false when a stop came first (<paramref name="stop"/> is cancelled, or
    /// <see cref="StopBeforeBegin"/> ran), and then it never begins in this process.
    /// </summary>
    public bool TryBegin(CancellationToken stop)
    {
        if (stop.IsCancellationRequested)
        {
            _race.TryStopFirst();
            return false;
        }

        return _race.TryBegin();
    }

    /// <summary>A stop's claim: true when training has not begun, and then never will; false when it has begun already.</summary>
    public bool StopBeforeBegin() => _race.TryStopFirst();
}
