using ScratchNet.Core.Layers;
using ScratchNet.Data.Splits;

namespace ScratchNet.Data;

/// <summary>A dataset split for training: the rows the model learns from and the rows it is judged on.</summary>
/// <param name="Name">Short name, e.g. "mnist".</param>
/// <param name="Train">The training rows.</param>
/// <param name="Validation">The held-out rows (the 20% hold-out, or the official test set).</param>
/// <param name="ClassNames">One name per class, in label order.</param>
/// <param name="ValidationIsTestSet">True when the held-out rows are the official test set (Data:Split=official), not a hold-out drawn from the training pool.</param>
public sealed record Dataset(string Name, DataSplit Train, DataSplit Validation, IReadOnlyList<string> ClassNames, bool ValidationIsTestSet = false)
{
    private readonly Shape? _inputShape;

    /// <summary>What reports call the official test set when it is the held-out split.</summary>
    public const string TestName = "test";

    /// <summary>What reports call a hold-out drawn from the training pool.</summary>
    public const string ValidationName = "validation";

    /// <summary>What reports call the held-out rows: "test" for the official test set, else "validation".</summary>
    public string HeldOutName => ValidationIsTestSet ? TestName : ValidationName;

    /// <summary>
    /// The height and width to draw a row at as a grey picture: the images' own (a 23 × 19 digit as such), a flat row of a
    /// square number of values as that square; null for rows that are no one grey image (several channels, other vectors).
    /// </summary>
    public (int Height, int Width)? PictureSize =>
        InputShape is { IsFlat: false, Channels: 1 } shape ? (shape.Height, shape.Width)
        : InputShape.IsFlat && Shape.SquareSide(Train.FeatureCount) is > 0 and int side ? (side, side)
        : null;

    /// <summary>
    /// One row's shape: (1, rows, columns) for images read from IDX files (1 × 28 × 28 for MNIST), whose pixels a row
    /// holds row by row; a flat vector (features, 1, 1) when the rows are not known to be images.
    /// </summary>
    /// <exception cref="ArgumentException">On init: the shape does not hold the rows' feature count.</exception>
    public Shape InputShape
    {
        get => _inputShape ?? Shape.Flat(Train.FeatureCount);
        init => _inputShape = value.Size == Train.FeatureCount
            ? value
            : throw new ArgumentException($"an input shape of {value} holds {value.Size} values, but the rows have {Train.FeatureCount} features", nameof(InputShape));
    }
}
