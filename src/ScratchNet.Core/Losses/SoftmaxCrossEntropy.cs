using System.Runtime.CompilerServices;
namespace ScratchNet.Core.Losses;

/// <summary>Softmax and cross-entropy as one head, so the backward pass is the fused (P − Y) / n.</summary>
public static class SoftmaxCrossEntropy
{
    // The smallest normal float32 (2^−126): below it a probability keeps fewer than 24 bits.
    private const float SmallestNormal = 1.17549435e-38f;

    // logits: (n, classes) · targets: (n, classes) one-hot or soft · probabilities: (n, classes), overwritten; must not alias logits
    /// <remarks>
    /// P = softmax(Z); L = −(1/n) Σi Σj y[i,j]·log p[i,j], accumulated in double: the true cross-entropy, as PyTorch's
    /// CrossEntropyLoss reports it, with no clip, so a confident mistake counts in full.
    /// </remarks>
    /// <returns>The mean cross-entropy of softmax(logits) against targets (0 when n is 0).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static float Forward(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> probabilities, int n, int classes)
    {
        Kernels.Guard.Holds(targets.Length, n, classes, nameof(targets));
        if (logits.Overlaps(probabilities))
        {
            throw new ArgumentException("probabilities must not share memory with logits: the loss reads the logits after the softmax", nameof(probabilities));
        }

        Softmax.Forward(logits, probabilities, n, classes);
        double total = 0.0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> z = logits.Slice(i * classes, classes);
            ReadOnlySpan<float> p = probabilities.Slice(i * classes, classes);
            ReadOnlySpan<float> y = targets.Slice(i * classes, classes);
            double logSumExp = double.NaN;
            for (int j = 0; j < classes; j++)
            {
                if (y[j] == 0f)
                {
                    continue;
                }

                // −log p straight from the float32 softmax while p is a normal float; below that (a logit more than ~87
                // under the row's max) p has lost its digits or is 0, so −log p = log Σ e^z − z is taken from the logits,
                // in double and shifted by the max so that no exponent overflows.
                total -= p[j] >= SmallestNormal
                    ? y[j] * Math.Log(p[j])
                    : y[j] * (z[j] - (double.IsNaN(logSumExp) ? logSumExp = LogSumExp(z) : logSumExp));
            }
        }

        return n == 0 ? 0f : (float)(total / n);
    }

    // logits: (n, classes) · targets: (n, classes) one-hot or soft
    /// <remarks>
    /// L = (1/n) Σi Σj y[i,j]·(log Σk e^z[i,k] − z[i,j]), the same cross-entropy as <see cref="Forward"/>, all in double from the
    /// logits. For checks that take differences of the loss: <see cref="Forward"/>'s −log p of a float32 p near 1 moves in
    /// steps of 6e-8 a row, coarser than a confident network's whole loss changes under a small step of a weight; from the
    /// logits the loss rounds only as finely as they do.
    /// </remarks>
    public static double ForwardFromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int n, int classes)
    {
        Kernels.Guard.Holds(logits.Length, n, classes, nameof(logits));
        Kernels.Guard.Holds(targets.Length, n, classes, nameof(targets));
        double total = 0.0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> z = logits.Slice(i * classes, classes);
            ReadOnlySpan<float> y = targets.Slice(i * classes, classes);
            double logSumExp = LogSumExp(z);
            for (int j = 0; j < classes; j++)
            {
                total += y[j] == 0f ? 0.0 : y[j] * (logSumExp - z[j]);
            }
        }

        return n == 0 ? 0.0 : total / n;
    }

    // log Σj e^z[j], shifted by the row's max.
    private static double LogSumExp(ReadOnlySpan<float> z)
    {
        double max = double.NegativeInfinity;
        foreach (float v in z)
        {
            max = Math.Max(max, v);
        }

        double sum = 0.0;
        foreach (float v in z)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }

    // probabilities: (n, classes) · targets: (n, classes) · dLogits: (n, classes), overwritten
    /// <remarks>
    /// ∂L/∂z = (P − Y) / n: the softmax Jacobian and the log's 1/p cancel, so the gradient needs neither
    /// and cannot blow up where p is tiny. This is exact for targets whose rows sum to 1.
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
