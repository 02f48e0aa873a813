namespace ScratchNet.Training.Options;

/// <summary>Where and when checkpoints are written (section "Checkpoints").</summary>
public sealed class CheckpointOptions
{
    public const string SectionName = "Checkpoints";

    /// <summary>
    /// The folder of checkpoint files; empty turns checkpoints off (Ctrl+C then saves nothing). The host resolves a
    /// relative path inside the run's folder (runs/ID/checkpoints) and gives a folder elsewhere a subfolder per run,
    /// so runs never share checkpoints; used as given where no host does that.
    /// </summary>
    public string Directory { get; set; } = "checkpoints";

    /// <summary>Write a resume point every this many epochs; 0 for none (best and Ctrl+C checkpoints still happen).</summary>
    public int EveryEpochs { get; set; } = 1;

    /// <summary>How many periodic (and Ctrl+C) checkpoints to keep, newest first; older ones are deleted.</summary>
    public int KeepLast { get; set; } = 3;

    /// <summary>Keep best.ckpt: the state after the epoch with the best <see cref="Monitor"/> value.</summary>
    public bool SaveBest { get; set; } = true;

    /// <summary>val_loss, val_acc or train_loss: what "best" means.</summary>
    public string Monitor { get; set; } = "val_loss";

    /// <summary>A checkpoint to continue from (as <c>--resume FILE</c>); "latest" continues the most recent interrupted run (as <c>--resume</c> alone).</summary>
    public string ResumeFrom { get; set; } = string.Empty;
}
