using System.Runtime.CompilerServices;
namespace ScratchNet.Core.Losses;

/// <summary>Row-wise softmax.</summary>
public static class Softmax
{
    // logits: (n, classes) · probabilities: (n, classes), overwritten; may alias logits
    /// <remarks>p[i,j] = e^(z[i,j] − max_j z[i,j]) / Σj e^(z[i,j] − max_j z[i,j])</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Forward(ReadOnlySpan<float> logits, Span<float> probabilities, int n, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        Kernels.Guard.Holds(logits.Length, n, classes, nameof(logits));
        Kernels.Guard.Holds(probabilities.Length, n, classes, nameof(probabilities));
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> z = logits.Slice(i * classes, classes);
            Span<float> p = probabilities.Slice(i * classes, classes);

            // Subtracting the row max makes every exponent ≤ 0, so e^z never overflows; the shift cancels in the ratio.
            float max = float.NegativeInfinity;
            foreach (float v in z)
            {
                max = MathF.Max(max, v);
            }

            float sum = 0f;
            for (int j = 0; j < classes; j++)
            {
                float e = MathF.Exp(z[j] - max);
                p[j] = e;
                sum += e;
            }

            float inverse = 1f / sum;
            for (int j = 0; j < classes; j++)
            {
                p[j] *= inverse;
            }
        }
    }
}
