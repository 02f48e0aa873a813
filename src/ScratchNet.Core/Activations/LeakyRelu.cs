using System.Runtime.Intrinsics;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Activations;

/// <summary>
/// Leaky ReLU: f(x) = x if x > 0 else α·x; f'(x) = 1 if x > 0 else α. Vectorised with a lane select
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

    public float Slope { get; }

    public void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        Guard.SameLength(y.Length, x.Length, nameof(y), nameof(x));
        var slope = Vector512.Create(Slope);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<float>.Count <= x.Length; i += Vector512<float>.Count)
            {
                var v = Vector512.Create(x.Slice(i, Vector512<float>.Count));
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * slope).CopyTo(y.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = x[i] > 0f ? x[i] : Slope * x[i];
        }
    }

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dY, Span<float> dX)
    {
        Guard.SameLength(dY.Length, x.Length, nameof(dY), nameof(x));
        Guard.SameLength(dX.Length, x.Length, nameof(dX), nameof(x));
        var slope = Vector512.Create(Slope);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<float>.Count <= x.Length; i += Vector512<float>.Count)
            {
                var v = Vector512.Create(x.Slice(i, Vector512<float>.Count));
                var g = Vector512.Create(dY.Slice(i, Vector512<float>.Count));
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), g, g * slope).CopyTo(dX.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            dX[i] = x[i] > 0f ? dY[i] : Slope * dY[i];
        }
    }

    public void Derivative(ReadOnlySpan<float> x, Span<float> destination)
    {
        Guard.SameLength(destination.Length, x.Length, nameof(destination), nameof(x));
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] > 0f ? 1f : Slope;
        }
    }
}
