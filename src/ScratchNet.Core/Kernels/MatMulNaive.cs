namespace ScratchNet.Core.Kernels;

/// <summary>
/// The plain triple loops, written straight from the equations and accumulated in double.
/// They are the oracle every fast kernel in <see cref="MatMul"/> is tested against; never optimise them.
/// </summary>
public static class MatMulNaive
{
    // x: (n, in) row-major · w: (in, out) · b: (out) · y: (n, out)
    /// <remarks>y[i,j] = b[j] + Σk x[i,k]·w[k,j]</remarks>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int inFeatures, int outFeatures)
    {
        MatMul.CheckForward(x, w, b, y, n, inFeatures, outFeatures);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < outFeatures; j++)
            {
                double sum = b.IsEmpty ? 0.0 : b[j];
                for (int k = 0; k < inFeatures; k++)
                {
                    sum += (double)x[(i * inFeatures) + k] * w[(k * outFeatures) + j];
                }

                y[(i * outFeatures) + j] = (float)sum;
            }
        }
    }

    // x: (n, in) · dY: (n, out) · dW: (in, out), overwritten
    /// <remarks>dW[k,j] = Σi x[i,k]·dY[i,j]   (dW = xᵀ·dY)</remarks>
    public static void BackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dY, Span<float> dW, int n, int inFeatures, int outFeatures)
    {
        MatMul.CheckBackwardWeights(x, dY, dW, n, inFeatures, outFeatures);
        for (int k = 0; k < inFeatures; k++)
        {
            for (int j = 0; j < outFeatures; j++)
            {
                double sum = 0.0;
                for (int i = 0; i < n; i++)
                {
                    sum += (double)x[(i * inFeatures) + k] * dY[(i * outFeatures) + j];
                }

                dW[(k * outFeatures) + j] = (float)sum;
            }
        }
    }

    // dY: (n, out) · w: (in, out) · dX: (n, in), overwritten
    /// <remarks>dX[i,k] = Σj dY[i,j]·w[k,j]   (dX = dY·wᵀ)</remarks>
    public static void BackwardInput(ReadOnlySpan<float> dY, ReadOnlySpan<float> w, Span<float> dX, int n, int inFeatures, int outFeatures)
    {
        MatMul.CheckBackwardInput(dY, w, dX, n, inFeatures, outFeatures);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < inFeatures; k++)
            {
                double sum = 0.0;
                for (int j = 0; j < outFeatures; j++)
                {
                    sum += (double)dY[(i * outFeatures) + j] * w[(k * outFeatures) + j];
                }

                dX[(i * inFeatures) + k] = (float)sum;
            }
        }
    }

    // a: (m, k), or (k, m) when transposeA · b: (k, n), or (n, k) when transposeB · c: (m, n), overwritten or accumulated
    /// <remarks>c[i,j] (+)= Σp op(a)[i,p]·op(b)[p,j]</remarks>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        MatMul.CheckMultiply(a, b, c, m, k, n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c[(i * n) + j] : 0.0;
                for (int p = 0; p < k; p++)
                {
                    float aip = transposeA ? a[(p * m) + i] : a[(i * k) + p];
                    float bpj = transposeB ? b[(j * k) + p] : b[(p * n) + j];
                    sum += (double)aip * bpj;
                }

                c[(i * n) + j] = (float)sum;
            }
        }
    }

    // a: (rows, columns) · aT: (columns, rows), overwritten
    public static void Transpose(ReadOnlySpan<float> a, Span<float> aT, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                aT[(c * rows) + r] = a[(r * columns) + c];
            }
        }
    }

    // dY: (n, out) · dB: (out), overwritten
    /// <remarks>dB[j] = Σi dY[i,j]</remarks>
    public static void BiasBackward(ReadOnlySpan<float> dY, Span<float> dB, int n, int outFeatures)
    {
        Bias.CheckBackward(dY, dB, n, outFeatures);
        for (int j = 0; j < outFeatures; j++)
        {
            double sum = 0.0;
            for (int i = 0; i < n; i++)
            {
                sum += dY[(i * outFeatures) + j];
            }

            dB[j] = (float)sum;
        }
    }
}
