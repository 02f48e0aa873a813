using System.Runtime.CompilerServices;
namespace ScratchNet.Core.Losses;

/// <summary>Softmax and cross-entropy as one head, so the backward pass is the fused (P − Y) / n.</summary>
public static class SoftmaxCrossEntropy
{
    // logits: (n, classes) · targets: (n, classes) · probabilities: (n, classes), overwritten
    /// <returns>The mean cross-entropy of softmax(logits) against targets.</returns>
    public static float Forward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> probabilities, int n, int classes, float epsilon = CrossEntropy.DefaultEpsilon)
    {
        Softmax.Forward(logits, probabilities, n, classes);
        return CrossEntropy.Forward(probabilities, targets, n, classes, epsilon);
    }

    // probabilities: (n, classes) · targets: (n, classes) · dLogits: (n, classes), overwritten
    /// <remarks>
    /// ∂L/∂z = (P − Y) / n: the softmax Jacobian and the log's 1/p cancel, so the gradient needs neither
    /// and cannot blow up where p is tiny. This is exact for targets whose rows sum to 1; the eps clip in
    /// the forward loss is not differentiated, as in the reference.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Backward(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, Span<float> dLogits, int n, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        Kernels.Guard.Holds(probabilities.Length, n, classes, nameof(probabilities));
        Kernels.Guard.Holds(targets.Length, n, classes, nameof(targets));
        Kernels.Guard.Holds(dLogits.Length, n, classes, nameof(dLogits));
        if (n == 0)
        {
            return;
        }

        float scale = 1f / n;
        int count = n * classes;
        for (int k = 0; k < count; k++)
        {
            dLogits[k] = (probabilities[k] - targets[k]) * scale;
        }
    }
}
