namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// Something with state that must survive an interruption for a resumed run to match an uninterrupted
/// one (a schedule's plateau counter, early stopping's best weights). The trainer asks every callback,
/// the schedule and the optimizer that implement it. Keys are namespaced by the participant ("schedule.best").
/// </summary>
public interface ICheckpointParticipant
{
    void SaveTo(Checkpoint checkpoint);

    /// <summary>Restores what <see cref="SaveTo"/> wrote; missing keys mean the state was at its start.</summary>
    void RestoreFrom(Checkpoint checkpoint);
}
