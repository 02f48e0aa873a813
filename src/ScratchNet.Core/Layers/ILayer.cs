namespace ScratchNet.Core.Layers;

/// <summary>
/// One step of a sequential network. A batch is n rows of <see cref="InputShape"/>: the tensor (n, c, h, w) stored
/// row-major (NCHW), given as a flat span of n·c·h·w floats; a dense layer's rows are flat vectors (f, 1, 1).
/// Buffers are preallocated for <see cref="Capacity"/> rows, so Forward and Backward allocate nothing; the arrays
/// they return belong to the layer (or, for a layer that only reshapes, to the one before it) and hold valid data
/// in their first n rows until the layer's next call.
/// </summary>
public interface ILayer
{
    /// <summary>Unique within a network ("conv0", "dense1"); its tensors are named "{Name}.weight", "{Name}.running_mean", ….</summary>
    string Name { get; }

    /// <summary>One input row's shape (channels, height, width).</summary>
    Shape InputShape { get; }

    /// <summary>One output row's shape (channels, height, width).</summary>
    Shape OutputShape { get; }

    /// <summary>Values per input row: <see cref="InputShape"/>.Size.</summary>
    int InputSize { get; }

    /// <summary>Values per output row: <see cref="OutputShape"/>.Size.</summary>
    int OutputSize { get; }

    /// <summary>The most rows one call may carry.</summary>
    int Capacity { get; }

    /// <summary>The tensors gradient descent trains, each with its gradient.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Tensors that are part of the model but not trained by gradients (batch norm's running statistics); empty for most layers.</summary>
    IReadOnlyList<StateTensor> State { get; }

    // x: (n, InputShape) → returns y: (n, OutputShape). The layer keeps x (and y) for Backward.
    float[] Forward(ReadOnlyMemory<float> x, int n);

    // dY: (n, OutputShape) → fills every parameter's gradient (overwritten) and returns dX: (n, InputShape),
    // or null when computeInputGradient is false (the first layer's input is data, so its gradient is never needed).
    float[]? Backward(float[] dY, int n, bool computeInputGradient);
}
