using System.Runtime.CompilerServices;
namespace ScratchNet.Core.Losses;

/// <summary>Categorical cross-entropy on probabilities.</summary>
public static class CrossEntropy
{
    /// <summary>The reference script's clip: probabilities are held in [eps, 1 − eps] before the log.</summary>
    public const float DefaultEpsilon = 1e-12f;

    // probabilities: (n, classes) · targets: (n, classes) one-hot or soft
    /// <remarks>L = −(1/n) Σi Σj y[i,j]·log(clip(p[i,j], eps, 1 − eps)); accumulated in double.</remarks>
    /// <returns>The mean loss over the n rows (0 when n is 0).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static float Forward(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, int n, int classes, float epsilon = DefaultEpsilon)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (!(epsilon > 0f && epsilon < 0.5f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "eps must be in (0, 0.5)");
        }

        Kernels.Guard.Holds(probabilities.Length, n, classes, nameof(probabilities));
        Kernels.Guard.Holds(targets.Length, n, classes, nameof(targets));
        if (n == 0)
        {
            return 0f;
        }

        // The clip keeps log away from log(0) = −∞ when a wrong class gets probability 0 in float32.
        double lower = epsilon;
        double upper = 1.0 - epsilon;
        double total = 0.0;
        int count = n * classes;
        for (int k = 0; k < count; k++)
        {
            float y = targets[k];
            if (y != 0f)
            {
                total -= y * Math.Log(Math.Clamp(probabilities[k], lower, upper));
            }
        }

        return (float)(total / n);
    }
}
