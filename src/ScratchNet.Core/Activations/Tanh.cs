using System.Runtime.Intrinsics;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Activations;

/// <summary>Tanh: f(x) = tanh(x); f'(x) = 1 − f(x)².</summary>
public sealed class Tanh : IActivation
{
    public string Name => "tanh";

    public bool HasKink => false;

    public bool HasDeadRegion => false;

    public float MaxSlope => 1f;

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => Elementwise.Map<ForwardOp>(x, y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dY, Span<float> dX) => Elementwise.Map<BackwardOp>(y, dY, dX);

    public void Derivative(ReadOnlySpan<float> x, Span<float> destination)
    {
        Forward(x, destination);
        Elementwise.Map<SlopeFromOutput>(destination, destination);
    }

    private readonly struct ForwardOp : IUnaryOperator
    {
        public static float Invoke(float x) => MathF.Tanh(x);

        // tanh(x) = 1 − 2/(e^(2x) + 1): e^(2x) → ∞ gives 1 and → 0 gives −1, so large |x| cannot
        // overflow into NaN the way (e^x − e^−x)/(e^x + e^−x) does. Absolute error stays below 1e-6.
        public static Vector512<float> Invoke(Vector512<float> x) =>
            Vector512<float>.One - (Vector512.Create(2f) / (Vector512.Exp(x + x) + Vector512<float>.One));

        public static Vector256<float> Invoke(Vector256<float> x) =>
            Vector256<float>.One - (Vector256.Create(2f) / (Vector256.Exp(x + x) + Vector256<float>.One));
    }

    private readonly struct BackwardOp : IBinaryOperator
    {
        public static float Invoke(float y, float dY) => dY * (1f - (y * y));

        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> dY) => dY * (Vector512<float>.One - (y * y));

        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dY) => dY * (Vector256<float>.One - (y * y));
    }

    private readonly struct SlopeFromOutput : IUnaryOperator
    {
        public static float Invoke(float y) => 1f - (y * y);

        public static Vector512<float> Invoke(Vector512<float> y) => Vector512<float>.One - (y * y);

        public static Vector256<float> Invoke(Vector256<float> y) => Vector256<float>.One - (y * y);
    }
}
