namespace ScratchNet.Training.Options;

/// <summary>The training loop's settings (section "Training"). Defaults are the reference recipe.</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>The most rows of a batch (training or evaluation): far more than any dataset this trains on needs in one pass.</summary>
    public const int MaxBatchRows = 1 << 20;

    public int Epochs { get; set; } = 100;

    public int BatchSize { get; set; } = 32;

    /// <summary>Seeds the weight initialisation and the minibatch order.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>False keeps the dataset's order every epoch.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Rows per forward pass when evaluating; larger chunks keep the kernels busy.</summary>
    public int EvaluationBatchSize { get; set; } = 1000;

    /// <summary>
    /// Threads the dense-layer products may be split over (output rows or columns, never the sum), so
    /// any value gives the same results. At batch 32 most products are too small to pay for a second thread.
    /// </summary>
    public int Threads { get; set; } = 1;
}
