namespace ScratchNet.Core.Layers;

/// <summary>
/// One step of a sequential network. Buffers are preallocated for <see cref="Capacity"/> rows, so
/// Forward and Backward allocate nothing; the arrays they return belong to the layer and hold valid
/// data in their first n rows until the layer's next call.
/// </summary>
public interface ILayer
{
    string Name { get; }

    int InputSize { get; }

    int OutputSize { get; }

    /// <summary>The most rows one call may carry.</summary>
    int Capacity { get; }

    IReadOnlyList<Parameter> Parameters { get; }

    // x: (n, InputSize) → returns y: (n, OutputSize). The layer keeps x (and y) for Backward.
    float[] Forward(ReadOnlyMemory<float> x, int n);

    // dY: (n, OutputSize) → fills every parameter's gradient (overwritten) and returns dX: (n, InputSize),
    // or null when computeInputGradient is false (the first layer's input is data, so its gradient is never needed).
    float[]? Backward(float[] dY, int n, bool computeInputGradient);
}
