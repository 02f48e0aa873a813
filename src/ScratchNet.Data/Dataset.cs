namespace ScratchNet.Data;

/// <summary>A dataset split for training: the rows the model learns from and the rows it is judged on.</summary>
/// <param name="Name">Short name, e.g. "mnist".</param>
/// <param name="Train">The training rows.</param>
/// <param name="Validation">The held-out rows (the 20% hold-out, or the official test set).</param>
/// <param name="ClassNames">One name per class, in label order.</param>
/// <param name="ValidationIsTestSet">True when the held-out rows are the official test set (Data:Split=official), not a hold-out drawn from the training pool.</param>
public sealed record Dataset(string Name, DataSplit Train, DataSplit Validation, IReadOnlyList<string> ClassNames, bool ValidationIsTestSet = false)
{
    /// <summary>What reports call the held-out rows: "test" for the official test set, else "validation".</summary>
    public string HeldOutName => ValidationIsTestSet ? "test" : "validation";
}
