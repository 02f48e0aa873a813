using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Layers;

/// <summary>
/// Average pooling: each output is the mean of its kH × kW window, channel by channel, windows moved by a stride
/// (the window's size by default):
/// <code>
/// y[n,c,i,j] = (1 / (kH·kW)) · Σr Σs x[n, c, i·stride + r, j·stride + s]
/// dX[n,c,h,w] = (1 / (kH·kW)) · Σ dY[n,c,i,j] over the windows that cover (h, w)
/// </code>
/// </summary>
public sealed class AvgPool2D : PoolLayer
{
    private readonly float[] _y;
    private readonly RowBuffer<float> _dX;
    private bool _hasInput;

    /// <param name="stride">Null: the kernel size (non-overlapping windows).</param>
    public AvgPool2D(string name, Shape input, int kernelSize, int? stride, int capacity)
        : base(name, input, kernelSize, stride, capacity)
    {
        _y = new float[capacity * OutputShape.Size];
        _dX = new RowBuffer<float>(InputShape.Size);
    }

    // x: (n, C, H, W) → y: (n, C, OutH, OutW)
    public override float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        LayerGuard.Input(this, x.Length, n);
        _hasInput = true;
        Pooling.AvgForward(x.Span[..(n * InputSize)], _y.AsSpan(0, n * OutputSize), n, Window);
        return _y;
    }

    // dY: (n, C, OutH, OutW) → dX: (n, C, H, W), each gradient shared equally over its window
    public override float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        LayerGuard.OutputGradient(this, dY, n, _hasInput);
        if (!computeInputGradient)
        {
            return null;
        }

        float[] dX = _dX.Rows(n);
        Pooling.AvgBackward(dY.AsSpan(0, n * OutputSize), dX.AsSpan(0, n * InputSize), n, Window);
        return dX;
    }
}
