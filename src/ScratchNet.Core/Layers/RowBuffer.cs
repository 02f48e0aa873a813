namespace ScratchNet.Core.Layers;

/// <summary>
/// A layer's buffer for what only some calls need, allocated on first use for the rows that call carries and grown when a
/// later call carries more. A network is built for the most rows a forward pass carries, the larger of the training and the
/// evaluation batch, but only training runs backward and draws dropout masks: so gradients and masks take the training
/// batch's memory, not the evaluation batch's (for the cnn recipe, batch 64 beside evaluation chunks of 1,000 rows). After
/// the first step a buffer does not grow again, so training steps allocate nothing.
/// </summary>
internal sealed class RowBuffer(int rowSize)
{
    private float[] _values = [];

    /// <summary>An array of at least <paramref name="n"/> rows; the same array on every call that needs no more rows than one before.</summary>
    public float[] Rows(int n)
    {
        long needed = (long)n * rowSize;
        if (_values.Length < needed)
        {
            _values = new float[needed];
        }

        return _values;
    }
}
