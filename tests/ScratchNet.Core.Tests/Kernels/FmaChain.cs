namespace ScratchNet.Core.Tests.Kernels;

/// <summary>
/// The exact arithmetic every fast product kernel promises, written as plainly as possible: each element of C is
/// the chain c = fma(op(a)[i, p], op(b)[p, j], c) for p = 0 … k − 1 in float32, from 0, the bias or C's value.
/// Fast kernels must equal it bit for bit, whatever their tiles, blocks, threads or instruction set.
/// </summary>
internal static class FmaChain
{
    public static void Multiply(float[] a, float[] b, float[]? bias, float[] c, int m, int k, int n, bool transposeA, bool transposeB, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = accumulate ? c[(i * n) + j] : bias is null ? 0f : bias[j];
                for (int p = 0; p < k; p++)
                {
                    float aip = transposeA ? a[(p * m) + i] : a[(i * k) + p];
                    float bpj = transposeB ? b[(j * k) + p] : b[(p * n) + j];
                    sum = MathF.FusedMultiplyAdd(aip, bpj, sum);
                }

                c[(i * n) + j] = sum;
            }
        }
    }
}
