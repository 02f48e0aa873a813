using System.Runtime.Intrinsics;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Activations;

/// <summary>Sigmoid: f(x) = 1 / (1 + e^(−x)); f'(x) = f(x)·(1 − f(x)).</summary>
public sealed class Sigmoid : IActivation
{
    public string Name => "sigmoid";

    public bool HasKink => false;

    public bool HasDeadRegion => false;

    // f'(0) = ¼, its peak.
    public float MaxSlope => 0.25f;

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => Elementwise.Map<ForwardOp>(x, y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dY, Span<float> dX) => Elementwise.Map<BackwardOp>(y, dY, dX);

    public void Derivative(ReadOnlySpan<float> x, Span<float> destination)
    {
        Forward(x, destination);
        Elementwise.Map<SlopeFromOutput>(destination, destination);
    }

    private readonly struct ForwardOp : IUnaryOperator
    {
        // e^(−x) overflows to +∞ for x < −88, and 1/(1+∞) = 0 is the right limit, so no clamp is needed.
        public static float Invoke(float x) => 1f / (1f + MathF.Exp(-x));

        public static Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));

        public static Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));
    }

    private readonly struct BackwardOp : IBinaryOperator
    {
        public static float Invoke(float y, float dY) => dY * y * (1f - y);

        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> dY) => dY * y * (Vector512<float>.One - y);

        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dY) => dY * y * (Vector256<float>.One - y);
    }

    private readonly struct SlopeFromOutput : IUnaryOperator
    {
        public static float Invoke(float y) => y * (1f - y);

        public static Vector512<float> Invoke(Vector512<float> y) => y * (Vector512<float>.One - y);

        public static Vector256<float> Invoke(Vector256<float> y) => y * (Vector256<float>.One - y);
    }
}
