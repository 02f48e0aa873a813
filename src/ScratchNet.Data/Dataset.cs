namespace ScratchNet.Data;

/// <summary>A dataset split for training: the rows the model learns from and the rows it is judged on.</summary>
/// <param name="Name">Short name, e.g. "mnist".</param>
/// <param name="Train">The training rows.</param>
/// <param name="Validation">The held-out rows (the 20% hold-out, or the official test set).</param>
/// <param name="ClassNames">One name per class, in label order.</param>
public sealed record Dataset(string Name, DataSplit Train, DataSplit Validation, IReadOnlyList<string> ClassNames)
{
    /// <summary>The shape of each row as an image (the IDX files' rows and columns), or null when the provider does not know it.</summary>
    public ImageShape? ImageShape { get; init; }
}
