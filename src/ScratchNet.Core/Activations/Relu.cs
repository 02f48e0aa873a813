using System.Runtime.Intrinsics;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Activations;

/// <summary>ReLU: f(x) = max(0, x); f'(x) = 1 if x > 0 else 0 (the subgradient at 0 is taken as 0, as PyTorch does).</summary>
public sealed class Relu : IActivation
{
    public string Name => "relu";

    public bool HasKink => true;

    public bool HasDeadRegion => true;

    public float MaxSlope => 1f;

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => Elementwise.Map<ForwardOp>(x, y);

    // Reads y: y > 0 exactly where x > 0, and y is the buffer the next layer just read, so it is hot in cache.
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dY, Span<float> dX) => Elementwise.Map<BackwardOp>(y, dY, dX);

    public void Derivative(ReadOnlySpan<float> x, Span<float> destination) => Elementwise.Map<DerivativeOp>(x, destination);

    private readonly struct ForwardOp : IUnaryOperator
    {
        public static float Invoke(float x) => x > 0f ? x : 0f;

        public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);

        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);
    }

    private readonly struct BackwardOp : IBinaryOperator
    {
        public static float Invoke(float y, float dY) => y > 0f ? dY : 0f;

        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> dY) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dY, Vector512<float>.Zero);

        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dY) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dY, Vector256<float>.Zero);
    }

    private readonly struct DerivativeOp : IUnaryOperator
    {
        public static float Invoke(float x) => x > 0f ? 1f : 0f;

        public static Vector512<float> Invoke(Vector512<float> x) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero);

        public static Vector256<float> Invoke(Vector256<float> x) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
    }
}
