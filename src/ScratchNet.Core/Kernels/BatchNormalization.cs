using System.Runtime.CompilerServices;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// Batch normalisation (Ioffe &amp; Szegedy, 2015) per channel c, over the M = n·plane values of that channel in the
/// batch (plane = H·W for images, 1 for the features of a dense layer):
/// <code>
/// x̂ = (x − μ) / √(σ² + ε),   y = γ·x̂ + β
/// </code>
/// While training μ and σ² are the batch's own (σ² biased, divided by M); when evaluating they are the running
/// averages. <see cref="BatchNormalizationNaive"/> is the oracle, with the backward pass in its long form.
/// </summary>
/// <remarks>
/// Stability: ε (1e-5, PyTorch's default) keeps the division finite for a channel that is constant over the batch;
/// the variance is taken in two passes, Σ(x − μ)² after μ, in double, because E[x²] − μ² cancels catastrophically
/// when |μ| ≫ σ (and can come out negative in float32).
/// </remarks>
public static class BatchNormalization
{
    // x: (n, C, plane) · gamma, beta: (C) → y, xHat: (n, C, plane), overwritten; mean, variance, inverseStd: (C), overwritten
    /// <remarks>μ[c] = Σ x / M,  σ²[c] = Σ (x − μ)² / M,  inverseStd[c] = 1 / √(σ² + ε),  x̂ = (x − μ)·inverseStd,  y = γ·x̂ + β</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void ForwardTraining(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> xHat,
        Span<float> mean, Span<float> variance, Span<float> inverseStd, int n, int channels, int plane, float epsilon)
    {
        Check(x.Length, nameof(x), y.Length, nameof(y), n, channels, plane);
        Guard.Holds(xHat.Length, n, channels * plane, nameof(xHat));
        CheckChannels(channels, (gamma.Length, nameof(gamma)), (beta.Length, nameof(beta)), (mean.Length, nameof(mean)), (variance.Length, nameof(variance)), (inverseStd.Length, nameof(inverseStd)));
        long m = (long)n * plane;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0.0;
            for (int i = 0; i < n; i++)
            {
                sum += Bias.Sum(x.Slice(((i * channels) + c) * plane, plane));
            }

            double mu = sum / m;
            double squares = 0.0;
            for (int i = 0; i < n; i++)
            {
                foreach (float v in x.Slice(((i * channels) + c) * plane, plane))
                {
                    double d = v - mu;
                    squares += d * d;
                }
            }

            double sigma2 = squares / m;
            mean[c] = (float)mu;
            variance[c] = (float)sigma2;
            inverseStd[c] = (float)(1.0 / Math.Sqrt(sigma2 + epsilon));
            Normalize(x, y, xHat, (float)mu, inverseStd[c], gamma[c], beta[c], n, channels, plane, c);
        }
    }

    // x: (n, C, plane) · gamma, beta, runningMean, runningVariance: (C) → y, xHat: (n, C, plane), overwritten
    /// <remarks>x̂ = (x − running μ) / √(running σ² + ε),  y = γ·x̂ + β: a fixed affine map per channel</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void ForwardInference(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance,
        Span<float> y, Span<float> xHat, int n, int channels, int plane, float epsilon)
    {
        Check(x.Length, nameof(x), y.Length, nameof(y), n, channels, plane);
        Guard.Holds(xHat.Length, n, channels * plane, nameof(xHat));
        CheckChannels(channels, (gamma.Length, nameof(gamma)), (beta.Length, nameof(beta)), (runningMean.Length, nameof(runningMean)), (runningVariance.Length, nameof(runningVariance)));
        for (int c = 0; c < channels; c++)
        {
            float inverseStd = (float)(1.0 / Math.Sqrt(runningVariance[c] + (double)epsilon));
            Normalize(x, y, xHat, runningMean[c], inverseStd, gamma[c], beta[c], n, channels, plane, c);
        }
    }

    // dY, xHat: (n, C, plane) · gamma, inverseStd: (C) → dGamma, dBeta: (C), overwritten; dX: (n, C, plane), overwritten, or empty to skip
    /// <remarks>
    /// dβ = Σ dY,  dγ = Σ dY·x̂, and, with batch statistics (μ and σ² depend on every x of the channel),
    /// dX = (γ·inverseStd / M)·(M·dY − dβ − x̂·dγ): the long form (see <see cref="BatchNormalizationNaive.Backward"/>)
    /// with Σ (x − μ) = 0 and Σ dY·(x − μ) = dγ / inverseStd put in. With running statistics (evaluation mode) the
    /// map is affine and dX = γ·inverseStd·dY.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch; see Gemm.Run
    public static void Backward(
        ReadOnlySpan<float> dY, ReadOnlySpan<float> xHat, ReadOnlySpan<float> gamma, ReadOnlySpan<float> inverseStd,
        Span<float> dX, Span<float> dGamma, Span<float> dBeta, int n, int channels, int plane, bool batchStatistics)
    {
        Check(dY.Length, nameof(dY), xHat.Length, nameof(xHat), n, channels, plane);
        CheckChannels(channels, (gamma.Length, nameof(gamma)), (inverseStd.Length, nameof(inverseStd)), (dGamma.Length, nameof(dGamma)), (dBeta.Length, nameof(dBeta)));
        if (!dX.IsEmpty)
        {
            Guard.Holds(dX.Length, n, channels * plane, nameof(dX));
        }

        long m = (long)n * plane;
        for (int c = 0; c < channels; c++)
        {
            double sumDy = 0.0, sumDyXHat = 0.0;
            for (int i = 0; i < n; i++)
            {
                int start = ((i * channels) + c) * plane;
                for (int p = start; p < start + plane; p++)
                {
                    sumDy += dY[p];
                    sumDyXHat += (double)dY[p] * xHat[p];
                }
            }

            dBeta[c] = (float)sumDy;
            dGamma[c] = (float)sumDyXHat;
            if (dX.IsEmpty)
            {
                continue;
            }

            float scale = gamma[c] * inverseStd[c];
            float meanDy = (float)(sumDy / m), meanDyXHat = (float)(sumDyXHat / m);
            for (int i = 0; i < n; i++)
            {
                int start = ((i * channels) + c) * plane;
                for (int p = start; p < start + plane; p++)
                {
                    dX[p] = batchStatistics ? scale * (dY[p] - meanDy - (xHat[p] * meanDyXHat)) : scale * dY[p];
                }
            }
        }
    }

    private static void Normalize(ReadOnlySpan<float> x, Span<float> y, Span<float> xHat, float mean, float inverseStd, float gamma, float beta, int n, int channels, int plane, int c)
    {
        for (int i = 0; i < n; i++)
        {
            int start = ((i * channels) + c) * plane;
            for (int p = start; p < start + plane; p++)
            {
                float normalized = (x[p] - mean) * inverseStd;
                xHat[p] = normalized;
                y[p] = (gamma * normalized) + beta;
            }
        }
    }

    internal static void Check(int inputLength, string inputName, int outputLength, string outputName, int n, int channels, int plane)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(plane);
        Guard.Holds(inputLength, n, channels * plane, inputName);
        Guard.Holds(outputLength, n, channels * plane, outputName);
    }

    internal static void CheckChannels(int channels, params ReadOnlySpan<(int Length, string Name)> buffers)
    {
        foreach ((int length, string name) in buffers)
        {
            if (length != channels)
            {
                throw new ArgumentException($"{name} has {length} values, but there are {channels} channels", name);
            }
        }
    }
}
