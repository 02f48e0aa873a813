using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Layers;

/// <summary>
/// Max pooling: each output is the largest input in its kH × kW window, channel by channel, windows moved by a
/// stride (the window's size by default, so they tile the image):
/// <code>
/// y[n,c,i,j] = max over r, s of x[n, c, i·stride + r, j·stride + s]
/// dX[n,c,h,w] = Σ dY[n,c,i,j] over the windows whose max sat at (h, w)     (0 elsewhere)
/// </code>
/// Forward remembers where each max sat (the argmax), and backward routes each gradient there and nowhere else.
/// </summary>
public sealed class MaxPool2D : PoolLayer, IPiecewiseLayer
{
    private readonly RowBuffer<float> _y;
    private readonly RowBuffer<float> _dX;
    private readonly RowBuffer<int> _argmaxRows;
    private int[] _argmax = [];
    private bool _hasInput;

    /// <param name="stride">Null: the kernel size (non-overlapping windows).</param>
    public MaxPool2D(string name, Shape input, int kernelSize, int? stride, int capacity)
        : base(name, input, kernelSize, stride, capacity)
    {
        _y = new RowBuffer<float>(OutputShape.Size);
        _dX = new RowBuffer<float>(InputShape.Size);
        _argmaxRows = new RowBuffer<int>(OutputShape.Size);
    }

    // Each output's piece is where its window's maximum sat.
    public int PiecesPerRow => OutputSize;

    public void CopyPieces(int n, Span<int> destination)
    {
        LayerGuard.Rows(this, n);
        _argmax.AsSpan(0, n * OutputSize).CopyTo(destination);
    }

    // x: (n, C, H, W) → y: (n, C, OutH, OutW)
    public override float[] Forward(ReadOnlyMemory<float> x, int n)
    {
        LayerGuard.Input(this, x.Length, n);
        _hasInput = true;
        float[] y = _y.Rows(n);
        _argmax = _argmaxRows.Rows(n);
        Pooling.MaxForward(x.Span[..(n * InputSize)], y.AsSpan(0, n * OutputSize), _argmax.AsSpan(0, n * OutputSize), n, Window);
        return y;
    }

    // dY: (n, C, OutH, OutW) → dX: (n, C, H, W), each gradient routed to its window's argmax
    public override float[]? Backward(float[] dY, int n, bool computeInputGradient)
    {
        LayerGuard.OutputGradient(this, dY, n, _hasInput);
        if (!computeInputGradient)
        {
            return null;
        }

        float[] dX = _dX.Rows(n);
        Pooling.MaxBackward(dY.AsSpan(0, n * OutputSize), _argmax.AsSpan(0, n * OutputSize), dX.AsSpan(0, n * InputSize), n, Window);
        return dX;
    }
}
