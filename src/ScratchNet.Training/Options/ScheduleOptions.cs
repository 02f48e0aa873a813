namespace ScratchNet.Training.Options;

/// <summary>The learning-rate schedule (section "Schedule"). The base rate is Optimizer:LearningRate.</summary>
public sealed class ScheduleOptions
{
    public const string SectionName = "Schedule";

    /// <summary>constant, step, exponential, cosine or plateau (see <see cref="Schedules.LearningRateSchedule.Names"/>).</summary>
    public string Name { get; set; } = "constant";

    /// <summary>
    /// Epochs of linear warm-up (per batch, from η/(W·batches) up to η) before the schedule proper, which counts its epochs
    /// from the warm-up's end; 0 for none.
    /// </summary>
    public int WarmupEpochs { get; set; }

    /// <summary>step: multiply by Gamma every StepSize epochs.</summary>
    public int StepSize { get; set; } = 10;

    /// <summary>step, exponential: the factor (exponential multiplies every epoch).</summary>
    public float Gamma { get; set; } = 0.1f;

    /// <summary>cosine: the rate at the end; plateau: the floor.</summary>
    public float MinLearningRate { get; set; }

    /// <summary>plateau: the factor applied when the monitored metric stalls.</summary>
    public float Factor { get; set; } = 0.1f;

    /// <summary>plateau: epochs without improvement tolerated before the rate drops.</summary>
    public int Patience { get; set; } = 10;

    /// <summary>plateau: the least change that counts as an improvement.</summary>
    public double MinDelta { get; set; } = 1e-4;

    /// <summary>plateau: val_loss (lower is better) or val_acc (higher is better).</summary>
    public string Monitor { get; set; } = "val_loss";
}
