namespace ScratchNet.Training;

/// <summary>
/// Decides once which came first: a stop, or something a stop must keep from happening (training's first batch, the
/// dashboard's URL line). Both sides claim through it, so the answer given to the stop and what the program then does
/// agree, whichever thread gets there first.
/// </summary>
public sealed class StopRace
{
    private const int Pending = 0;
    private const int Begun = 1;
    private const int StoppedBefore = 2;

    private int _state;

    /// <summary>True once the thing has happened: a stop after it no longer keeps it from happening.</summary>
    public bool HasBegun => Volatile.Read(ref _state) == Begun;

    /// <summary>True once a stop came first: the thing never happens.</summary>
    public bool StoppedFirst => Volatile.Read(ref _state) == StoppedBefore;

    /// <summary>The thing's claim, just before it happens: true when it may (now or already), false when a stop came first.</summary>
    public bool TryBegin() => Interlocked.CompareExchange(ref _state, Begun, Pending) != StoppedBefore;

    /// <summary>A stop's claim: true when the thing has not happened, and then never will; false when it has.</summary>
    public bool TryStopFirst() => Interlocked.CompareExchange(ref _state, StoppedBefore, Pending) != Begun;
}
