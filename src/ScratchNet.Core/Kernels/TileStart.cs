namespace ScratchNet.Core.Kernels;

/// <summary>
/// What a tile's accumulators hold before the first multiply-add: 0, the bias, or what C already holds
/// (an accumulating product, or the partial sums an earlier k block of <see cref="GemmBlocked"/> stored there).
/// </summary>
internal enum TileStart
{
    Zero,
    Bias,
    C,
}

/// <summary>The start a whole product's elements take.</summary>
internal static class TileStarts
{
    public static TileStart For(in Operands op) => op.Accumulate ? TileStart.C : op.Bias.IsEmpty ? TileStart.Zero : TileStart.Bias;
}
