namespace ScratchNet.Core.Layers;

/// <summary>
/// A layer's buffer, allocated on first use for the rows that call carries and grown when a later call carries more. A network
/// is built for the most rows a forward pass carries, the larger of the training and the evaluation batch, but only training
/// runs backward and draws dropout masks: so gradients and masks take the training batch's memory, not the evaluation
/// batch's (for the cnn recipe, batch 64 beside evaluation chunks of 1,000 rows); and the outputs of layers that
/// <see cref="Sequential"/> runs fused (conv → relu → maxpool) are never allocated at all. After the first step a buffer does
/// not grow again, so training steps allocate nothing.
/// </summary>
internal sealed class RowBuffer<T>(int rowSize)
    where T : struct
{
    private T[] _values = [];

    /// <summary>An array of at least <paramref name="n"/> rows; the same array on every call that needs no more rows than one before.</summary>
    public T[] Rows(int n)
    {
        long needed = (long)n * rowSize;
        if (_values.Length < needed)
        {
            _values = new T[needed];
        }

        return _values;
    }
}
