using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>The bias gradient. The forward bias add is fused into <see cref="MatMul.Forward"/>, which starts each accumulator at b.</summary>
public static class Bias
{
    // dY: (n, out) · dB: (out), overwritten
    /// <remarks>dB[j] = Σi dY[i,j]</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Backward(ReadOnlySpan<float> dY, Span<float> dB, int n, int outFeatures)
    {
        CheckBackward(dY, dB, n, outFeatures);
        dB.Slice(0, outFeatures).Clear();
        for (int i = 0; i < n; i++)
        {
            Elementwise.AddInPlace(dY.Slice(i * outFeatures, outFeatures), dB.Slice(0, outFeatures));
        }
    }

    internal static void CheckBackward(ReadOnlySpan<float> dY, Span<float> dB, int n, int outFeatures)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        Guard.Holds(dY.Length, n, outFeatures, nameof(dY));
        if (dB.Length != outFeatures)
        {
            throw new ArgumentException($"dB has {dB.Length} values, but the layer has {outFeatures} outputs", nameof(dB));
        }
    }
}
