using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Layers;

/// <summary>
/// What every pooling layer has alike: a kH × kW window moved by a stride over each channel, no parameters, and an
/// output of the same channels on the smaller grid. Each pooling's own file holds its forward and backward.
/// </summary>
public abstract class PoolLayer : ILayer
{
    /// <param name="stride">Null: the kernel size (non-overlapping windows).</param>
    protected PoolLayer(string name, Shape input, int kernelSize, int? stride, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Name = name;
        Window = new Window2D(input.Channels, input.Height, input.Width, kernelSize, kernelSize, stride ?? kernelSize);
        InputShape = input;
        OutputShape = new Shape(input.Channels, Window.OutHeight, Window.OutWidth);
        Capacity = capacity;
    }

    public string Name { get; }

    public Shape InputShape { get; }

    public Shape OutputShape { get; }

    public int InputSize => InputShape.Size;

    public int OutputSize => OutputShape.Size;

    public int Capacity { get; }

    public Window2D Window { get; }

    public int KernelSize => Window.KernelHeight;

    public int Stride => Window.Stride;

    public IReadOnlyList<Parameter> Parameters => [];

    public IReadOnlyList<StateTensor> State => [];

    public abstract float[] Forward(ReadOnlyMemory<float> x, int n);

    public abstract float[]? Backward(float[] dY, int n, bool computeInputGradient);
}
