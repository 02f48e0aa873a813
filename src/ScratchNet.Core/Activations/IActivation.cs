namespace ScratchNet.Core.Activations;

/// <summary>An elementwise nonlinearity and its derivative.</summary>
public interface IActivation
{
    /// <summary>The name used in configuration, one of <see cref="Activation.Names"/>.</summary>
    string Name { get; }

    // The facts below are each activation's own, stated in its file, so the diagnostics that read them need no list of types.

    /// <summary>
    /// True where f' jumps (ReLU and leaky ReLU at 0): a finite-difference step across the kink measures neither side, so
    /// the gradient check widens its tolerance for the parameters before such a layer.
    /// </summary>
    bool HasKink { get; }

    /// <summary>
    /// True where f is flat, or nearly, for every x ≤ 0 (ReLU, leaky ReLU), so a unit whose input never rises above 0
    /// passes back (almost) no gradient: diagnose counts such dead units.
    /// </summary>
    bool HasDeadRegion { get; }

    /// <summary>The largest f'(x) over all x (sigmoid: 0.25), or the bound it approaches (softplus: 1): how much of the gradient the layer passes back at best.</summary>
    float MaxSlope { get; }

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
