using System.Runtime.Intrinsics;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Activations;

/// <summary>
/// Leaky ReLU: f(x) = x if x > 0 else α·x; f'(x) = 1 if x > 0 else α. Vectorised with a lane select through
/// <see cref="Elementwise.MapWithConstant{TOp}(ReadOnlySpan{float}, float, Span{float})"/>, α broadcast to every lane
/// (the reference script's version loops in Python).
/// </summary>
public sealed class LeakyRelu : IActivation
{
    public const float DefaultSlope = 0.01f;

    public LeakyRelu(float slope = DefaultSlope)
    {
        if (!(slope >= 0f && slope < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(slope), slope, "the negative slope must be in [0, 1)");
        }

        Slope = slope;
    }

    public string Name => "leaky_relu";

    public bool HasKink => true;

    public bool HasDeadRegion => true;

    public float MaxSlope => 1f;

    public float Slope { get; }

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => Elementwise.MapWithConstant<ForwardOp>(x, Slope, y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dY, Span<float> dX) => Elementwise.MapWithConstant<BackwardOp>(x, dY, Slope, dX);

    public void Derivative(ReadOnlySpan<float> x, Span<float> destination) => Elementwise.MapWithConstant<DerivativeOp>(x, Slope, destination);

    private readonly struct ForwardOp : IUnaryOperatorWithConstant
    {
        public static float Invoke(float x, float slope) => x > 0f ? x : slope * x;

        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> slope) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * slope);

        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> slope) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * slope);
    }

    private readonly struct BackwardOp : IBinaryOperatorWithConstant
    {
        public static float Invoke(float x, float dY, float slope) => x > 0f ? dY : slope * dY;

        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> dY, Vector512<float> slope) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), dY, dY * slope);

        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> dY, Vector256<float> slope) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dY, dY * slope);
    }

    private readonly struct DerivativeOp : IUnaryOperatorWithConstant
    {
        public static float Invoke(float x, float slope) => x > 0f ? 1f : slope;

        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> slope) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One, slope);

        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> slope) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, slope);
    }
}
