using System.Runtime.InteropServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// One lowered convolution (<see cref="Conv2DLowered"/>, or <see cref="ConvReluMaxPool"/> when a pooling window is given) split
/// over a <see cref="ComputeTeam"/>: the operands sit in fields while the team runs the parts, and the part delegates are created
/// once per calling thread, so splitting allocates nothing. Forward shares the images out in contiguous runs; backward shares
/// out the fixed groups of <see cref="Conv2DLowered.GradientGroup"/> images, so the arithmetic does not depend on the thread count.
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
    private ReadOnlyMemory<float> _pooled;
    private ReadOnlyMemory<float> _packed;
    private Memory<float> _y;
    private Memory<int> _argmax;
    private Memory<float> _dW;
    private Memory<float> _dB;
    private Memory<float> _dX;
    private Memory<float> _scratch;
    private Memory<float> _partials;
    private int _n;
    private int _outChannels;
    private int _parts;
    private Window2D _window;
    private Window2D? _pool;

    private ParallelConvolution()
    {
        _forwardPart = ForwardPart;
        _backwardPart = BackwardPart;
    }

    /// <summary>The calling thread's job: a thread runs one team call at a time, so one job per thread suffices.</summary>
    public static ParallelConvolution Current => t_current ??= new ParallelConvolution();

    // Conv2DLowered.Forward
    public void Forward(
        ComputeTeam team, int parts, ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> b, Memory<float> y, Memory<float> scratch,
        int n, int outChannels, Window2D window)
    {
        (_x, _w, _b, _y, _scratch, _n, _outChannels, _window, _pool, _parts) = (x, w, b, y, scratch, n, outChannels, window, null, parts);
        Run(team, _forwardPart, parts);
    }

    // ConvReluMaxPool.Forward: y and argmax are the pooled outputs
    public void Forward(
        ComputeTeam team, int parts, ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> b, Memory<float> y, Memory<int> argmax,
        Memory<float> scratch, int n, int outChannels, Window2D conv, Window2D pool)
    {
        (_x, _w, _b, _y, _argmax, _scratch, _n, _outChannels, _window, _pool, _parts) = (x, w, b, y, argmax, scratch, n, outChannels, conv, pool, parts);
        Run(team, _forwardPart, parts);
    }

    // Conv2DLowered.Backward
    public void Backward(
        ComputeTeam team, int parts, ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> dY, Memory<float> dW, Memory<float> dB,
        Memory<float> dX, Memory<float> scratch, Memory<float> partials, int n, int outChannels, Window2D window)
    {
        (_x, _w, _dY, _dW, _dB, _dX, _scratch, _partials) = (x, w, dY, dW, dB, dX, scratch, partials);
        (_n, _outChannels, _window, _pool, _parts) = (n, outChannels, window, null, parts);
        Run(team, _backwardPart, parts);
    }

    // ConvReluMaxPool.Backward: pooled and argmax from its forward, dY the pooled outputs' gradient
    public void Backward(
        ComputeTeam team, int parts, ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> packed, ReadOnlyMemory<float> pooled, ReadOnlyMemory<int> argmax,
        ReadOnlyMemory<float> dY, Memory<float> dW, Memory<float> dB, Memory<float> dX, Memory<float> scratch, Memory<float> partials,
        int n, int outChannels, Window2D conv, Window2D pool)
    {
        (_x, _w, _packed, _pooled, _argmax, _dY, _dW, _dB, _dX, _scratch, _partials) = (x, w, packed, pooled, MemoryOf(argmax), dY, dW, dB, dX, scratch, partials);
        (_n, _outChannels, _window, _pool, _parts) = (n, outChannels, conv, pool, parts);
        Run(team, _backwardPart, parts);
    }

    // The argmax is only read in backward; the field is writable for forward's sake.
    private static Memory<int> MemoryOf(ReadOnlyMemory<int> argmax) => MemoryMarshal.AsMemory(argmax);

    private void Run(ComputeTeam team, Action<int> part, int parts)
    {
        try
        {
            team.Run(part, parts);
        }
        finally
        {
            // Drop the references, so a finished call does not keep the caller's arrays alive.
            (_x, _w, _b, _dY, _pooled, _packed, _y, _argmax) = (default, default, default, default, default, default, default, default);
            (_dW, _dB, _dX, _scratch, _partials) = (default, default, default, default, default);
        }
    }

    private int ScratchPerThread => _pool is { } pool
        ? ConvReluMaxPool.ScratchPerThread(_outChannels, _window, pool)
        : Conv2DLowered.ScratchPerThread(_outChannels, _window);

    private void ForwardPart(int part)
    {
        (int start, int end) = Partition.Range(_n, part, _parts, 1);
        int image = _window.InputSize, count = end - start;
        Span<float> scratch = _scratch.Span.Slice(part * ScratchPerThread, ScratchPerThread);
        if (_pool is { } pool)
        {
            int output = _outChannels * pool.OutPlane;
            ConvReluMaxPool.Forward(
                _x.Span.Slice(start * image, count * image), _w.Span, _b.Span, _y.Span.Slice(start * output, count * output),
                _argmax.Span.Slice(start * output, count * output), scratch, count, _outChannels, _window, pool);
        }
        else
        {
            int output = _outChannels * _window.OutPlane;
            Conv2DLowered.Forward(
                _x.Span.Slice(start * image, count * image), _w.Span, _b.Span, _y.Span.Slice(start * output, count * output),
                scratch[..(_window.PatchSize * _window.OutPlane)], count, _outChannels, _window);
        }
    }

    private void BackwardPart(int part)
    {
        (int first, int end) = Partition.Range(Conv2DLowered.Groups(_n), part, _parts, 1);
        Span<float> scratch = _scratch.Span.Slice(part * ScratchPerThread, ScratchPerThread);
        for (int g = first; g < end; g++)
        {
            if (_pool is { } pool)
            {
                ConvReluMaxPool.BackwardGroup(
                    _x.Span, _w.Span, _packed.Span, _pooled.Span, _argmax.Span, _dY.Span, _dW.Span, _dB.Span, _dX.Span, scratch, _partials.Span, g, _n, _outChannels, _window, pool);
            }
            else
            {
                Conv2DLowered.BackwardGroup(_x.Span, _w.Span, _dY.Span, _dW.Span, _dB.Span, _dX.Span, scratch, _partials.Span, g, _n, _outChannels, _window);
            }
        }
    }
}
