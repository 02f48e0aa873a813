namespace ScratchNet.Host.Reports;

/// <summary>What the run folder gets besides history, metrics and charts (section "Reports").</summary>
public sealed class ReportsOptions
{
    public const string SectionName = "Reports";

    public const string LinearScale = "linear";

    public const string LogScale = "log";

    /// <summary>True: TensorBoard event files in the run folder's tensorboard/ folder, for tensorboard --logdir runs.</summary>
    public bool TensorBoard { get; set; }

    /// <summary>
    /// Epochs between TensorBoard's images (confusion matrix, first-layer weights); the last epoch always gets them.
    /// Each costs an extra pass over the held-out split and two PNGs (~0.2 MB), so not every epoch by default.
    /// </summary>
    public int TensorBoardImageEvery { get; set; } = 5;

    /// <summary>The loss axis of loss.png: "linear", or "log" (powers of ten), which shows the late, small improvements.</summary>
    public string LossScale { get; set; } = LinearScale;

    public bool LogScaleLoss => string.Equals(LossScale, LogScale, StringComparison.OrdinalIgnoreCase);
}
