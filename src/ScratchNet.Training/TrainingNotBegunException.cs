namespace ScratchNet.Training;

/// <summary>
/// A stop came before the first batch of the session (see <see cref="TrainingStart"/>): nothing was trained, so no resume
/// point was saved; a resumed run is still at the point it resumed from.
/// </summary>
public sealed class TrainingNotBegunException(string message, CancellationToken token) : OperationCanceledException(message, token)
{
    public TrainingNotBegunException(CancellationToken token)
        : this("Interrupted before training began; nothing was trained or saved.", token)
    {
    }
}
