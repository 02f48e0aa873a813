namespace ScratchNet.Training.Options;

/// <summary>Early stopping (section "EarlyStopping").</summary>
public sealed class EarlyStoppingOptions
{
    public const string SectionName = "EarlyStopping";

    public bool Enabled { get; set; }

    /// <summary>Epochs without improvement before training stops.</summary>
    public int Patience { get; set; } = 5;

    /// <summary>The least change of <see cref="Monitor"/> that counts as an improvement.</summary>
    public double MinDelta { get; set; }

    /// <summary>val_loss, val_acc or train_loss.</summary>
    public string Monitor { get; set; } = "val_loss";

    /// <summary>Put the best epoch's weights back when training ends (by patience or at the last epoch).</summary>
    public bool RestoreBestWeights { get; set; } = true;
}
