namespace ScratchNet.Core.Activations;

/// <summary>An elementwise nonlinearity and its derivative.</summary>
public interface IActivation
{
    /// <summary>The name used in configuration ("relu", "leaky_relu", "sigmoid", "tanh").</summary>
    string Name { get; }

    // x: (len) · y: (len), may alias x
    /// <summary>y = f(x).</summary>
    void Forward(ReadOnlySpan<float> x, Span<float> y);

    // x, y, dY: (len) · dX: (len), overwritten; may alias dY
    /// <summary>dX = dY ⊙ f'(x). Both x and y = f(x) are given; each activation reads whichever makes f' cheaper.</summary>
    void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dY, Span<float> dX);

    // x: (len) · destination: (len)
    /// <summary>destination = f'(x), the reference script's derivative functions.</summary>
    void Derivative(ReadOnlySpan<float> x, Span<float> destination);
}
