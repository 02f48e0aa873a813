namespace ScratchNet.Core.Layers;

/// <summary>The checks every layer makes on a call; messages name the layer and the dimensions.</summary>
internal static class LayerGuard
{
    public static void Rows(ILayer layer, int n)
    {
        if (n < 1 || n > layer.Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"layer {layer.Name} holds between 1 and {layer.Capacity} rows per call");
        }
    }

    // x: (n, InputShape)
    public static void Input(ILayer layer, int length, int n)
    {
        Rows(layer, n);
        long needed = (long)n * layer.InputSize;
        if (length < needed)
        {
            throw new ArgumentException($"layer {layer.Name} expects {n} rows of {layer.InputShape} inputs ({needed} values), but x has {length}", "x");
        }
    }

    // dY: (n, OutputShape)
    public static void OutputGradient(ILayer layer, float[] dY, int n, bool hasInput)
    {
        ArgumentNullException.ThrowIfNull(dY);
        Rows(layer, n);
        if (!hasInput)
        {
            throw new InvalidOperationException($"layer {layer.Name}: Backward was called before Forward");
        }

        long needed = (long)n * layer.OutputSize;
        if (dY.Length < needed)
        {
            throw new ArgumentException($"layer {layer.Name} gives {n} rows of {layer.OutputShape} outputs ({needed} values), but dY has {dY.Length}", nameof(dY));
        }
    }
}
