using ScratchNet.Training.Results;

namespace ScratchNet.Training.Checkpoints;

/// <summary>
/// Everything needed to continue a run exactly: the position in the loop, the generator that shuffles
/// the batches, the history so far, and named tensors, scalars and generator states written by the
/// network ("param/dense0.weight", batch norm's running statistics as "state/bn0.running_mean"), the optimizer ("optimizer/…"), dropout layers ("rng/…") and every
/// <see cref="ICheckpointParticipant"/>. <see cref="CheckpointFile"/> writes it to disk.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>SHA-256 of the settings that shape the run (see <see cref="ConfigurationFingerprint"/>); a resume with other settings is refused.</summary>
    public string ConfigurationHash { get; set; } = string.Empty;

    /// <summary>
    /// The settings behind <see cref="ConfigurationHash"/>, so a refused resume can name each key that differs (empty in
    /// version-1 files), and the early-stopping and checkpoint settings a resume continues with (<see cref="ConfigurationFingerprint.ContinuedSettings"/>).
    /// </summary>
    public SortedDictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// SHA-256 of the data the run trained on (<see cref="Data.DatasetHash"/>, as a model file's manifest records it), so a
    /// resume on other data is refused; empty when unknown (files of format versions 1 to 3).
    /// </summary>
    public string DatasetSha256 { get; set; } = string.Empty;

    /// <summary>The epoch to continue (1-based); one past the last epoch when the run had finished.</summary>
    public int Epoch { get; set; } = 1;

    /// <summary>The next batch of <see cref="Epoch"/> to run (0 at an epoch boundary).</summary>
    public int Batch { get; set; }

    /// <summary>Σ loss·rows over the batches of <see cref="Epoch"/> already run, so the epoch's train loss comes out the same.</summary>
    public double LossSum { get; set; }

    /// <summary>
    /// Rows of <see cref="Epoch"/> already run whose prediction was right, so the epoch's train accuracy comes out the
    /// same; −1 when unknown (a version 1 file), which leaves that epoch's train accuracy NaN.
    /// </summary>
    public long CorrectSum { get; set; }

    /// <summary>The shuffle generator's state at the start of <see cref="Epoch"/>, before it drew that epoch's order.</summary>
    public ulong[] ShuffleState { get; set; } = [];

    public List<EpochMetrics> History { get; } = [];

    public Dictionary<string, float[]> Tensors { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, double> Scalars { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ulong[]> Words { get; } = new(StringComparer.Ordinal);
}
