namespace ScratchNet.Training.Checkpoints;

/// <summary>A checkpoint cannot be used: missing, damaged, or written with other settings. A user error, not a bug.</summary>
/// <param name="message">One line saying what is wrong and what to do.</param>
/// <param name="damaged">True when the file itself is corrupt (wrong magic, version or checksum).</param>
public sealed class CheckpointException(string message, bool damaged = false) : Exception(message)
{
    public bool Damaged { get; } = damaged;

    /// <summary>No checkpoint is at fault: there is simply no interrupted run to continue, so "Checkpoint unusable" would mislead.</summary>
    public bool NothingToResume { get; init; }
}
