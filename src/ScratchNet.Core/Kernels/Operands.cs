namespace ScratchNet.Core.Kernels;

/// <summary>
/// One product C (m, n) (+)= op(A) (m, k) · op(B) (k, n) [+ bias broadcast over rows], as the kernels see it:
/// A and B reached through a row and a column stride each, so a transposed operand is the same data read
/// the other way; C row-major with row stride n.
/// </summary>
internal readonly ref struct Operands
{
    public Operands(
        ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB, ReadOnlySpan<float> bias,
        Span<float> c, int m, int k, int n, bool accumulate)
    {
        A = a;
        TransposedA = transposeA;
        TransposedB = transposeB;
        ARowStride = transposeA ? 1 : k;
        AColumnStride = transposeA ? m : 1;
        B = b;
        BRowStride = transposeB ? 1 : n;
        BColumnStride = transposeB ? k : 1;
        Bias = bias;
        C = c;
        M = m;
        K = k;
        N = n;
        Accumulate = accumulate;
    }

    public ReadOnlySpan<float> A { get; }

    /// <summary>Distance in A between op(A)[i, p] and op(A)[i + 1, p].</summary>
    public int ARowStride { get; }

    /// <summary>Distance in A between op(A)[i, p] and op(A)[i, p + 1].</summary>
    public int AColumnStride { get; }

    public ReadOnlySpan<float> B { get; }

    /// <summary>Distance in B between op(B)[p, j] and op(B)[p + 1, j].</summary>
    public int BRowStride { get; }

    /// <summary>Distance in B between op(B)[p, j] and op(B)[p, j + 1].</summary>
    public int BColumnStride { get; }

    /// <summary>(n) added to every row, or empty; only without <see cref="Accumulate"/>.</summary>
    public ReadOnlySpan<float> Bias { get; }

    public Span<float> C { get; }

    public int M { get; }

    public int K { get; }

    public int N { get; }

    /// <summary>C += op(A)·op(B) instead of C = op(A)·op(B) [+ bias].</summary>
    public bool Accumulate { get; }

    /// <summary>A is stored (k, m) and read as its transpose.</summary>
    public bool TransposedA { get; }

    /// <summary>B is stored (n, k) and read as its transpose.</summary>
    public bool TransposedB { get; }

    /// <summary>The same product over <paramref name="b"/>, op(B) already laid out row-major (k, n).</summary>
    public Operands WithRowMajorB(ReadOnlySpan<float> b) => new(A, TransposedA, b, false, Bias, C, M, K, N, Accumulate);
}
