using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Diagnostics;

/// <summary>
/// Which weight entries of each dense and convolution layer multiply an input that is non-zero on at least one of the
/// gradient check's rows. The others meet only zeros there (a blank MNIST pixel in every checked row, a ReLU unit off on all
/// of them), and 0 · w is 0 whatever w is: the loss cannot move with them, so backpropagation and the differences both give
/// exactly 0, a comparison that can never fail.
/// </summary>
internal static class InputReach
{
    // x: (n, InputShape). Runs the layers one by one in the network's current mode (the caller rewinds dropout and restores
    // batch norm's running statistics), and reads each layer's input before passing it on. A parameter absent from the result
    // (biases, batch norm, a layer of another kind) has no entry that an input of 0 cuts off.
    public static Dictionary<Parameter, bool[]> Of(Sequential network, ReadOnlyMemory<float> x, int n)
    {
        var reached = new Dictionary<Parameter, bool[]>();
        ReadOnlyMemory<float> input = x;
        foreach (ILayer layer in network.Layers)
        {
            switch (layer)
            {
                case Dense dense:
                    reached[dense.Weight] = Dense(dense, input.Span, n);
                    break;
                case Conv2D conv:
                    reached[conv.Weight] = Convolution(conv, input.Span, n);
                    break;
            }

            input = layer.Forward(input, n);
        }

        return reached;
    }

    // W: (in, out), so entry k weighs input i = k / out.
    private static bool[] Dense(Dense layer, ReadOnlySpan<float> x, int n)
    {
        bool[] nonZero = NonZeroSomewhere(x, n, layer.InputSize);
        var reached = new bool[layer.Weight.Length];
        for (int k = 0; k < reached.Length; k++)
        {
            reached[k] = nonZero[k / layer.OutputSize];
        }

        return reached;
    }

    // W: (K, C, kH, kW). Entry (k, c, r, s) weighs pixel (i·stride + r − pad, j·stride + s − pad) of channel c for every
    // output position (i, j); the padding is 0 and reaches nothing.
    private static bool[] Convolution(Conv2D layer, ReadOnlySpan<float> x, int n)
    {
        Shape input = layer.InputShape, output = layer.OutputShape;
        bool[] nonZero = NonZeroSomewhere(x, n, layer.InputSize);
        int kernel = layer.KernelHeight * layer.KernelWidth;
        var perFilter = new bool[input.Channels * kernel];
        for (int c = 0; c < input.Channels; c++)
        {
            for (int r = 0; r < layer.KernelHeight; r++)
            {
                for (int s = 0; s < layer.KernelWidth; s++)
                {
                    perFilter[(c * kernel) + (r * layer.KernelWidth) + s] = Reaches(layer, nonZero, input, output, c, r, s);
                }
            }
        }

        var reached = new bool[layer.Weight.Length];
        for (int k = 0; k < reached.Length; k++)
        {
            reached[k] = perFilter[k % perFilter.Length];
        }

        return reached;
    }

    private static bool Reaches(Conv2D layer, bool[] nonZero, Shape input, Shape output, int c, int r, int s)
    {
        for (int i = 0; i < output.Height; i++)
        {
            int row = (i * layer.Stride) + r - layer.Padding;
            if (row < 0 || row >= input.Height)
            {
                continue;
            }

            for (int j = 0; j < output.Width; j++)
            {
                int column = (j * layer.Stride) + s - layer.Padding;
                if (column >= 0 && column < input.Width && nonZero[(c * input.Plane) + (row * input.Width) + column])
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Per input value of a row: whether any of the n rows holds something other than 0 there.
    private static bool[] NonZeroSomewhere(ReadOnlySpan<float> x, int n, int size)
    {
        var nonZero = new bool[size];
        for (int row = 0; row < n; row++)
        {
            ReadOnlySpan<float> values = x.Slice(row * size, size);
            for (int i = 0; i < size; i++)
            {
                nonZero[i] |= values[i] != 0f;
            }
        }

        return nonZero;
    }
}
