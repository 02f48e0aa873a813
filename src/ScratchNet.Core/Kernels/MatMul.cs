namespace ScratchNet.Core.Kernels;

/// <summary>
/// The matrix products, on row-major float32: the general <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, bool)"/>
/// and the dense layer's three, each a product of it. <see cref="MatMulNaive"/> is the reference they are tested against.
/// </summary>
/// <remarks>
/// <para>
/// Every call checks its shapes, then runs as <see cref="ProductPlan"/> decides — small products on register-tiled
/// FMA kernels straight from the operands, large ones (op(B) over 512 KB) on cache-blocked kernels over packed
/// panels. Each output element is the one fma chain c = fma(op(A)[i, p], op(B)[p, j], c) for p = 0 … k − 1,
/// from 0, the bias, or C's own value when accumulating, whichever kernel, tile or thread computes it: results
/// are the same bits for every layout, thread count and instruction set (AVX-512, AVX2, NEON, scalar).
/// </para>
/// <para>
/// Threads: the overloads that take a <see cref="ComputeTeam"/> split C's rows or columns (never k) over up to its
/// threads, as far as the product is large enough to pay (<see cref="ParallelFlops"/> per part); null runs on the calling thread.
/// They take <see cref="ReadOnlyMemory{T}"/> and <see cref="Memory{T}"/> (arrays convert implicitly), because a span
/// cannot be handed to another thread; the call returns when every part is done, and the caller must not touch
/// the output, nor change the inputs, before then. One team runs one call at a time.
/// </para>
/// <para>
/// Memory: packing buffers and the transposed-B scratch are allocated once per thread, on first use, and reused,
/// so once warm no call allocates.
/// </para>
/// </remarks>
/// <example>
/// A convolution lowered to products (im2col), cols: (C·R·S, P) the unfolded patches of one image, w: (K, C·R·S):
/// <code>
/// MatMul.Multiply(w, cols, y, K, C * R * S, P);                                         // y = w·cols
/// MatMul.Multiply(dY, cols, dW, K, P, C * R * S, transposeB: true, accumulate: i > 0);  // dW += dY·colsᵀ, summed over images
/// MatMul.Multiply(w, dY, dCols, C * R * S, K, P, transposeA: true);                     // dCols = wᵀ·dY
/// MatMul.Multiply(w, cols, y, K, C * R * S, P, team);                                   // the same on a team (arrays or Memory)
/// </code>
/// </example>
public static class MatMul
{
    /// <summary>
    /// The least work, in floating-point operations (2·m·k·n), one thread's part of a product gets: a product is split
    /// into at most flops / ParallelFlops parts, so those below twice this run on the calling thread even when given a team.
    /// </summary>
    public const long ParallelFlops = ProductPlan.ParallelFlops;

    // x: (n, in) row-major · w: (in, out) · b: (out) or empty · y: (n, out), overwritten
    /// <remarks>y[i,j] = b[j] + Σk x[i,k]·w[k,j]   (y = x·w + b)</remarks>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int inFeatures, int outFeatures)
    {
        CheckForward(x, w, b, y, n, inFeatures, outFeatures);
        Product.Run(new Operands(x, false, w, false, b, y, n, inFeatures, outFeatures, accumulate: false));
    }

    /// <summary><see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> split over <paramref name="team"/>.</summary>
    public static void Forward(ReadOnlyMemory<float> x, ReadOnlyMemory<float> w, ReadOnlyMemory<float> b, Memory<float> y, int n, int inFeatures, int outFeatures, ComputeTeam? team)
    {
        CheckForward(x.Span, w.Span, b.Span, y.Span, n, inFeatures, outFeatures);
        Product.Run(team, x, false, w, false, b, y, n, inFeatures, outFeatures, accumulate: false);
    }

    // x: (n, in) · dY: (n, out) · dW: (in, out), overwritten
    /// <remarks>dW[k,j] = Σi x[i,k]·dY[i,j]   (dW = xᵀ·dY; xᵀ is read through strides, never built)</remarks>
    public static void BackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dY, Span<float> dW, int n, int inFeatures, int outFeatures)
    {
        CheckBackwardWeights(x, dY, dW, n, inFeatures, outFeatures);
        Product.Run(new Operands(x, true, dY, false, default, dW, inFeatures, n, outFeatures, accumulate: false));
    }

    /// <summary><see cref="BackwardWeights(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> split over <paramref name="team"/>.</summary>
    public static void BackwardWeights(ReadOnlyMemory<float> x, ReadOnlyMemory<float> dY, Memory<float> dW, int n, int inFeatures, int outFeatures, ComputeTeam? team)
    {
        CheckBackwardWeights(x.Span, dY.Span, dW.Span, n, inFeatures, outFeatures);
        Product.Run(team, x, true, dY, false, default, dW, inFeatures, n, outFeatures, accumulate: false);
    }

    // dY: (n, out) · w: (in, out) · dX: (n, in), overwritten
    /// <remarks>dX[i,k] = Σj dY[i,j]·w[k,j]   (dX = dY·wᵀ; wᵀ is read through strides, never built by the caller)</remarks>
    public static void BackwardInput(ReadOnlySpan<float> dY, ReadOnlySpan<float> w, Span<float> dX, int n, int inFeatures, int outFeatures)
    {
        CheckBackwardInput(dY, w, dX, n, inFeatures, outFeatures);
        Product.Run(new Operands(dY, false, w, true, default, dX, n, outFeatures, inFeatures, accumulate: false));
    }

    /// <summary><see cref="BackwardInput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> split over <paramref name="team"/>.</summary>
    public static void BackwardInput(ReadOnlyMemory<float> dY, ReadOnlyMemory<float> w, Memory<float> dX, int n, int inFeatures, int outFeatures, ComputeTeam? team)
    {
        CheckBackwardInput(dY.Span, w.Span, dX.Span, n, inFeatures, outFeatures);
        Product.Run(team, dY, false, w, true, default, dX, n, outFeatures, inFeatures, accumulate: false);
    }

    // a: (m, k), or (k, m) when transposeA · b: (k, n), or (n, k) when transposeB · c: (m, n), overwritten or accumulated
    /// <summary>
    /// The general product the other layers lower to (BLAS sgemm with α = 1, β = 0 or 1): c = op(a)·op(b), or
    /// c += op(a)·op(b) when <paramref name="accumulate"/>. A convolution is this product over unfolded patches
    /// (im2col); a transposed operand is read through strides, never copied by the caller. Every layout and both
    /// modes run the fast kernels.
    /// </summary>
    /// <remarks>c[i,j] (+)= Σp op(a)[i,p]·op(b)[p,j]</remarks>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        CheckMultiply(a, b, c, m, k, n);
        Product.Run(new Operands(a, transposeA, b, transposeB, default, c, m, k, n, accumulate));
    }

    /// <summary>
    /// <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, bool)"/>
    /// split over <paramref name="team"/> (null: the calling thread).
    /// </summary>
    public static void Multiply(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b, Memory<float> c, int m, int k, int n, ComputeTeam? team, bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        CheckMultiply(a.Span, b.Span, c.Span, m, k, n);
        Product.Run(team, a, transposeA, b, transposeB, default, c, m, k, n, accumulate);
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
