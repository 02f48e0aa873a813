using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
namespace ScratchNet.Core.Kernels;

/// <summary>
/// The dense-layer products, forward and backward, on row-major float32 spans.
/// Each call checks its shapes, then hands the work to <see cref="Gemm"/> or <see cref="GemmNT"/>.
/// <see cref="MatMulNaive"/> is the reference these are tested against.
/// </summary>
public static class MatMul
{
    // x: (n, in) row-major · w: (in, out) · b: (out) or empty · y: (n, out), overwritten
    /// <remarks>y[i,j] = b[j] + Σk x[i,k]·w[k,j]</remarks>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int inFeatures, int outFeatures)
    {
        CheckForward(x, w, b, y, n, inFeatures, outFeatures);
        Gemm.Run(x, inFeatures, 1, w, b, y, inFeatures, outFeatures, 0, n, 0, outFeatures);
    }

    // x: (n, in) · dY: (n, out) · dW: (in, out), overwritten
    /// <remarks>dW[k,j] = Σi x[i,k]·dY[i,j]   (dW = xᵀ·dY; xᵀ is read through strides, never built)</remarks>
    public static void BackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dY, Span<float> dW, int n, int inFeatures, int outFeatures)
    {
        CheckBackwardWeights(x, dY, dW, n, inFeatures, outFeatures);
        Gemm.Run(x, 1, inFeatures, dY, default, dW, n, outFeatures, 0, inFeatures, 0, outFeatures);
    }

    // dY: (n, out) · w: (in, out) · dX: (n, in), overwritten
    /// <remarks>
    /// dX[i,k] = Σj dY[i,j]·w[k,j]   (dX = dY·wᵀ). Both dY and w are read along their contiguous out axis
    /// (<see cref="GemmNT"/>), so wᵀ is never built.
    /// </remarks>
    public static void BackwardInput(ReadOnlySpan<float> dY, ReadOnlySpan<float> w, Span<float> dX, int n, int inFeatures, int outFeatures)
    {
        CheckBackwardInput(dY, w, dX, n, inFeatures, outFeatures);
        GemmNT.Run(dY, w, dX, outFeatures, inFeatures, 0, n, 0, inFeatures);
    }

    /// <summary>
    /// Below this many outputs the dot products of <see cref="GemmNT"/> are too short to pay (64 → 10 ran at
    /// 8–15 GFLOP/s, 128 → 64 at ~83), so <see cref="BackwardInput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, int, int, int)"/>
    /// packs wᵀ (a 16 × 16-block transpose, 0.7 µs for 128 × 64) and runs the regular tile kernel over it instead.
    /// At batch 32 packing takes 128 → 64 from 6.3 to 3.2 µs and 64 → 32 from 2.5 to 0.8 µs (batch 512: 97 to
    /// 41 µs and 37 to 10 µs); from 128 outputs up the two are close, and GemmNT needs no scratch.
    /// </summary>
    public const int NarrowOutputs = 128;

    /// <summary>
    /// True when the input gradient of a layer with <paramref name="outFeatures"/> outputs packs wᵀ: below
    /// <see cref="NarrowOutputs"/>, or always without AVX-512, where <see cref="GemmNT"/> has only its scalar loop.
    /// </summary>
    public static bool PacksTranspose(int outFeatures) => outFeatures < NarrowOutputs || !Avx512F.IsSupported;

    // dY: (n, out) · w: (in, out) · wT: (out, in), scratch · dX: (n, in), overwritten
    /// <summary>
    /// dX = dY·wᵀ with a scratch for wᵀ: when <see cref="PacksTranspose"/> says so, wᵀ is packed into
    /// <paramref name="wT"/> and multiplied with the 4 × 64 tile kernel (k = out, so the tile's rows are short and
    /// its columns wide); otherwise the scratch is left alone and <see cref="GemmNT"/> reads w in place.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> dY, ReadOnlySpan<float> w, Span<float> wT, Span<float> dX, int n, int inFeatures, int outFeatures)
    {
        Guard.Holds(wT.Length, outFeatures, inFeatures, nameof(wT));
        if (!PacksTranspose(outFeatures))
        {
            BackwardInput(dY, w, dX, n, inFeatures, outFeatures);
            return;
        }

        CheckBackwardInput(dY, w, dX, n, inFeatures, outFeatures);
        Transpose(w, wT, inFeatures, outFeatures);
        Gemm.Run(dY, outFeatures, 1, wT, default, dX, outFeatures, inFeatures, 0, n, 0, inFeatures);
    }

    // a: (m, k), or (k, m) when transposeA · b: (k, n), or (n, k) when transposeB · c: (m, n), overwritten or accumulated
    /// <summary>
    /// The general product the other layers lower to (BLAS sgemm with α = 1, β = 0 or 1): c = op(a)·op(b), or
    /// c += op(a)·op(b) when <paramref name="accumulate"/>. A convolution is this product over unfolded patches
    /// (im2col); a transposed operand is read through strides, never copied by the caller.
    /// </summary>
    /// <remarks>c[i,j] (+)= Σp op(a)[i,p]·op(b)[p,j]</remarks>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        CheckMultiply(a, b, c, m, k, n);
        if (m == 0)
        {
            return;
        }

        // A transposed A is the same tile kernel with its strides swapped; a transposed B is GemmNT's layout.
        if (!accumulate && !transposeB)
        {
            Gemm.Run(a, transposeA ? 1 : k, transposeA ? m : 1, b, default, c, k, n, 0, m, 0, n);
        }
        else if (!accumulate && !transposeA)
        {
            GemmNT.Run(a, b, c, k, n, 0, m, 0, n);
        }
        else
        {
            MultiplyScalar(a, b, c, m, k, n, transposeA, transposeB, accumulate);
        }
    }

    // The layouts the tiled kernels do not cover yet (accumulation, both operands transposed): one fma chain per element.
    private static void MultiplyScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool transposeA, bool transposeB, bool accumulate)
    {
        int aRow = transposeA ? 1 : k, aColumn = transposeA ? m : 1;
        int bRow = transposeB ? 1 : n, bColumn = transposeB ? k : 1;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = accumulate ? c[(i * n) + j] : 0f;
                for (int p = 0; p < k; p++)
                {
                    sum = MathF.FusedMultiplyAdd(a[(i * aRow) + (p * aColumn)], b[(p * bRow) + (j * bColumn)], sum);
                }

                c[(i * n) + j] = sum;
            }
        }
    }

    // Part `part` of `parts` of Forward: whole 64-column tiles when out allows, else groups of 4 rows.
    internal static void ForwardPart(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int inFeatures, int outFeatures, int part, int parts)
    {
        CheckForward(x, w, b, y, n, inFeatures, outFeatures);
        if (outFeatures >= 64 * parts)
        {
            (int start, int end) = Partition.Range(outFeatures, part, parts, 64);
            Gemm.Run(x, inFeatures, 1, w, b, y, inFeatures, outFeatures, 0, n, start, end);
        }
        else
        {
            (int start, int end) = Partition.Range(n, part, parts, 4);
            Gemm.Run(x, inFeatures, 1, w, b, y, inFeatures, outFeatures, start, end, 0, outFeatures);
        }
    }

    // Part `part` of `parts` of BackwardWeights: groups of 4 rows of dW (input features).
    internal static void BackwardWeightsPart(ReadOnlySpan<float> x, ReadOnlySpan<float> dY, Span<float> dW, int n, int inFeatures, int outFeatures, int part, int parts)
    {
        CheckBackwardWeights(x, dY, dW, n, inFeatures, outFeatures);
        (int start, int end) = Partition.Range(inFeatures, part, parts, 4);
        Gemm.Run(x, 1, inFeatures, dY, default, dW, n, outFeatures, start, end, 0, outFeatures);
    }

    // Part `part` of `parts` of BackwardInput: groups of 4 columns of dX (rows of w).
    internal static void BackwardInputPart(ReadOnlySpan<float> dY, ReadOnlySpan<float> w, Span<float> dX, int n, int inFeatures, int outFeatures, int part, int parts)
    {
        CheckBackwardInput(dY, w, dX, n, inFeatures, outFeatures);
        (int start, int end) = Partition.Range(inFeatures, part, parts, 4);
        GemmNT.Run(dY, w, dX, outFeatures, inFeatures, 0, n, start, end);
    }

    // Part `part` of `parts` of the narrow BackwardInput over an already packed wT: (out, in); groups of 4 rows of dX.
    internal static void BackwardInputPackedPart(ReadOnlySpan<float> dY, ReadOnlySpan<float> wT, Span<float> dX, int n, int inFeatures, int outFeatures, int part, int parts)
    {
        CheckDimensions(n, inFeatures, outFeatures);
        Guard.Holds(dY.Length, n, outFeatures, nameof(dY));
        Guard.Holds(wT.Length, outFeatures, inFeatures, nameof(wT));
        Guard.Holds(dX.Length, n, inFeatures, nameof(dX));
        (int start, int end) = Partition.Range(n, part, parts, 4);
        Gemm.Run(dY, outFeatures, 1, wT, default, dX, outFeatures, inFeatures, start, end, 0, inFeatures);
    }

    // a: (rows, columns) · aT: (columns, rows), overwritten
    public static void Transpose(ReadOnlySpan<float> a, Span<float> aT, int rows, int columns)
    {
        Guard.Dimensions(rows, columns, nameof(rows), nameof(columns));
        Guard.Holds(a.Length, rows, columns, nameof(a));
        Guard.Holds(aT.Length, columns, rows, nameof(aT));
        TransposeKernel.Run(a, aT, rows, columns);
    }

    internal static void CheckMultiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        Guard.Holds(a.Length, m, k, nameof(a));
        Guard.Holds(b.Length, k, n, nameof(b));
        Guard.Holds(c.Length, m, n, nameof(c));
    }

    internal static void CheckForward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int inFeatures, int outFeatures)
    {
        CheckDimensions(n, inFeatures, outFeatures);
        Guard.Holds(x.Length, n, inFeatures, nameof(x));
        Guard.Holds(w.Length, inFeatures, outFeatures, nameof(w));
        if (!b.IsEmpty && b.Length != outFeatures)
        {
            throw new ArgumentException($"b has {b.Length} values, but the layer has {outFeatures} outputs", nameof(b));
        }

        Guard.Holds(y.Length, n, outFeatures, nameof(y));
    }

    internal static void CheckBackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dY, Span<float> dW, int n, int inFeatures, int outFeatures)
    {
        CheckDimensions(n, inFeatures, outFeatures);
        Guard.Holds(x.Length, n, inFeatures, nameof(x));
        Guard.Holds(dY.Length, n, outFeatures, nameof(dY));
        Guard.Holds(dW.Length, inFeatures, outFeatures, nameof(dW));
    }

    internal static void CheckBackwardInput(ReadOnlySpan<float> dY, ReadOnlySpan<float> w, Span<float> dX, int n, int inFeatures, int outFeatures)
    {
        CheckDimensions(n, inFeatures, outFeatures);
        Guard.Holds(dY.Length, n, outFeatures, nameof(dY));
        Guard.Holds(w.Length, inFeatures, outFeatures, nameof(w));
        Guard.Holds(dX.Length, n, inFeatures, nameof(dX));
    }

    private static void CheckDimensions(int n, int inFeatures, int outFeatures)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
    }
}
