namespace ScratchNet.Core.Kernels;

/// <summary>
/// One lowered convolution split over a <see cref="ComputeTeam"/>: the operands sit in fields while the team runs the parts,
/// and the part delegates are created once per calling thread, so splitting allocates nothing. Forward shares the images
/// out in contiguous runs; backward shares out the fixed groups of <see cref="Conv2DLowered.GradientGroup"/> images, so the
/// arithmetic does not depend on the thread count.
/// </summary>
internal sealed class ParallelConvolution
{
    [ThreadStatic]
    private static ParallelConvolution? t_current;

    private readonly Action<int> _forwardPart;
    private readonly Action<int> _backwardPart;
    private ReadOnlyMemory<float> _x;
    private ReadOnlyMemory<float> _w;
    private ReadOnlyMemory<float> _b;
    private ReadOnlyMemory<float> _dY;
    private Memory<float> _y;
    private Memory<float> _dW;
    private Memory<float> _dB;
    private Memory<float> _dX;
    private Memory<float> _scratch;
    private Memory<float> _partials;
    private int _n;
    private int _outChannels;
    private int _parts;
    private Window2D _window;

    private ParallelConvolution()
    {
        _forwardPart = ForwardPart;
        _backwardPart = BackwardPart;
    }

    /// <summary>The calling thread's job: a thread runs one team call at a time, so one job per thread suffices.</summary>
    public static ParallelConvolution Current => t_current ??= new ParallelConvolution();

    public void Forward(
        ComputeTeam team, int parts, ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> b, Memory<float> y, Memory<float> scratch,
        int n, int outChannels, Window2D window)
    {
        (_x, _w, _b, _y, _scratch, _n, _outChannels, _window, _parts) = (x, w, b, y, scratch, n, outChannels, window, parts);
        try
        {
            team.Run(_forwardPart, parts);
        }
        finally
        {
            Release();
        }
    }

    public void Backward(
        ComputeTeam team, int parts, ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> dY, Memory<float> dW, Memory<float> dB,
        Memory<float> dX, Memory<float> scratch, Memory<float> partials, int n, int outChannels, Window2D window)
    {
        (_x, _w, _dY, _dW, _dB, _dX, _scratch, _partials) = (x, w, dY, dW, dB, dX, scratch, partials);
        (_n, _outChannels, _window, _parts) = (n, outChannels, window, parts);
        try
        {
            team.Run(_backwardPart, parts);
        }
        finally
        {
            Release();
        }
    }

    // Drop the references, so a finished call does not keep the caller's arrays alive.
    private void Release() => (_x, _w, _b, _dY, _y, _dW, _dB, _dX, _scratch, _partials) = (default, default, default, default, default, default, default, default, default, default);

    private void ForwardPart(int part)
    {
        (int start, int end) = Partition.Range(_n, part, _parts, 1);
        int image = _window.InputSize, output = _outChannels * _window.OutPlane, cols = _window.PatchSize * _window.OutPlane;
        Span<float> scratch = _scratch.Span.Slice(part * Conv2DLowered.ScratchPerThread(_outChannels, _window), cols);
        Conv2DLowered.Forward(
            _x.Span.Slice(start * image, (end - start) * image), _w.Span, _b.Span, _y.Span.Slice(start * output, (end - start) * output), scratch, end - start, _outChannels, _window);
    }

    private void BackwardPart(int part)
    {
        (int first, int end) = Partition.Range(Conv2DLowered.Groups(_n), part, _parts, 1);
        Span<float> scratch = _scratch.Span.Slice(part * Conv2DLowered.ScratchPerThread(_outChannels, _window), Conv2DLowered.ScratchPerThread(_outChannels, _window));
        for (int g = first; g < end; g++)
        {
            Conv2DLowered.BackwardGroup(_x.Span, _w.Span, _dY.Span, _dW.Span, _dB.Span, _dX.Span, scratch, _partials.Span, g, _n, _outChannels, _window);
        }
    }
}
