namespace ScratchNet.Core.Kernels;

/// <summary>
/// Batch normalisation with batch statistics, written from its equations in double: the oracle for
/// <see cref="BatchNormalization"/>. The backward pass is the long form, through the gradients of the variance and
/// the mean, the way the chain rule first gives it. Never optimise these.
/// </summary>
public static class BatchNormalizationNaive
{
    // x: (n, C, plane) · gamma, beta: (C) → y: (n, C, plane), overwritten
    /// <remarks>μ = Σ x / M,  σ² = Σ (x − μ)² / M,  y = γ·(x − μ) / √(σ² + ε) + β, per channel over its M = n·plane values</remarks>
    public static void ForwardTraining(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int n, int channels, int plane, float epsilon)
    {
        BatchNormalization.Check(x.Length, nameof(x), y.Length, nameof(y), n, channels, plane);
        for (int c = 0; c < channels; c++)
        {
            (double mu, double sigma2) = Statistics(x, n, channels, plane, c);
            foreach (int p in Indices(n, channels, plane, c))
            {
                y[p] = (float)((gamma[c] * (x[p] - mu) / Math.Sqrt(sigma2 + epsilon)) + beta[c]);
            }
        }
    }

    // x, dY: (n, C, plane) · gamma: (C) → dX: (n, C, plane), dGamma, dBeta: (C), all overwritten
    /// <remarks>
    /// With x̂ = (x − μ)/√(σ² + ε) and dx̂ = dY·γ, per channel:
    /// <code>
    /// dσ² = Σ dx̂·(x − μ)·(−½)(σ² + ε)^(−3/2)
    /// dμ  = Σ dx̂·(−1/√(σ² + ε)) + dσ²·Σ −2(x − μ) / M
    /// dX  = dx̂ / √(σ² + ε) + dσ²·2(x − μ)/M + dμ/M
    /// dγ  = Σ dY·x̂,   dβ = Σ dY
    /// </code>
    /// </remarks>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dY, ReadOnlySpan<float> gamma, Span<float> dX, Span<float> dGamma, Span<float> dBeta, int n, int channels, int plane, float epsilon)
    {
        BatchNormalization.Check(x.Length, nameof(x), dY.Length, nameof(dY), n, channels, plane);
        Guard.Holds(dX.Length, n, channels * plane, nameof(dX));
        double m = (double)n * plane;
        for (int c = 0; c < channels; c++)
        {
            (double mu, double sigma2) = Statistics(x, n, channels, plane, c);
            double std = Math.Sqrt(sigma2 + epsilon);
            double dVariance = 0.0, dMean = 0.0, centred = 0.0, dg = 0.0, db = 0.0;
            foreach (int p in Indices(n, channels, plane, c))
            {
                double dXHat = (double)dY[p] * gamma[c];
                dVariance += dXHat * (x[p] - mu) * -0.5 * Math.Pow(sigma2 + epsilon, -1.5);
                dMean += dXHat * (-1.0 / std);
                centred += -2.0 * (x[p] - mu);
                dg += dY[p] * ((x[p] - mu) / std);
                db += dY[p];
            }

            dMean += dVariance * centred / m;
            foreach (int p in Indices(n, channels, plane, c))
            {
                double dXHat = (double)dY[p] * gamma[c];
                dX[p] = (float)((dXHat / std) + (dVariance * 2.0 * (x[p] - mu) / m) + (dMean / m));
            }

            dGamma[c] = (float)dg;
            dBeta[c] = (float)db;
        }
    }

    private static (double Mean, double Variance) Statistics(ReadOnlySpan<float> x, int n, int channels, int plane, int c)
    {
        double sum = 0.0;
        foreach (int p in Indices(n, channels, plane, c))
        {
            sum += x[p];
        }

        double mu = sum / ((double)n * plane);
        double squares = 0.0;
        foreach (int p in Indices(n, channels, plane, c))
        {
            squares += (x[p] - mu) * (x[p] - mu);
        }

        return (mu, squares / ((double)n * plane));
    }

    // The flat indices of channel c's values: image i, pixel q at (i·C + c)·plane + q.
    private static IEnumerable<int> Indices(int n, int channels, int plane, int c)
    {
        for (int i = 0; i < n; i++)
        {
            for (int q = 0; q < plane; q++)
            {
                yield return (((i * channels) + c) * plane) + q;
            }
        }
    }
}
