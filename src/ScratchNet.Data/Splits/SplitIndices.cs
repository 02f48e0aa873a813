namespace ScratchNet.Data.Splits;

/// <summary>Row indices of the two parts of a split, each in ascending order.</summary>
public sealed record SplitIndices(int[] Train, int[] Validation);
