using System.Numerics;
using System.Runtime.Intrinsics;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// How one product runs — the single place that decides it: which engine (the direct register tiles of
/// <see cref="Gemm"/>, the packed blocks of <see cref="GemmBlocked"/>, or, when op(A) is mostly zeros,
/// <see cref="GemmSparseA"/>), whether op(B) is transposed into
/// scratch first, and into how many parts, split along which output axis, the threads share it.
/// </summary>
/// <remarks>
/// None of these choices changes a result: every engine computes each element as the same fma chain over
/// p = 0 … k − 1, and parts split rows or columns of C, never k.
/// </remarks>
internal readonly record struct ProductPlan(bool Blocked, bool TransposeBFirst, int Parts, bool SplitColumns, int M, int N)
{
    /// <summary>
    /// Above this many floats in op(B) (k·n; 512 KB, half of L2) the packed blocks run: the direct tiles stream all
    /// of B once per 8 rows of C, and once B lives in L3 they depend on it — on this shared VM, with other processes
    /// in L3, 128 × 784 × 512 ran direct at 89 GFLOP/s against 95 blocked (thread CPU time, median of 9), 784 × 128 × 512
    /// at 95 against 106, and from 1024 columns up the direct tiles collapse (256 × 784 × 1024: 62 against 101;
    /// 256 × 2048 × 2048: 8 against 52 wall time). Within it packing costs more than it saves: the reference layers
    /// (784 × 128 = 100,352 floats) run direct at 112–117, blocked at 93–105.
    /// </summary>
    public const long DirectMaxB = 128 * 1024;

    /// <summary>
    /// The least work, in floating-point operations (2·m·k·n), a part gets: a product is split into at most
    /// flops / ParallelFlops parts (so smaller ones run on one thread), because handing a part to another thread
    /// and moving its data between the cores costs more than a smaller part saves.
    /// </summary>
    public const long ParallelFlops = 1L << 22;

    /// <summary>
    /// op(A) is mostly zeros and its parts run on <see cref="GemmSparseA"/>, rows split; decided per call from the data
    /// (<see cref="GemmSparseA.Suits"/>), not from the shape, by <see cref="Product"/>.
    /// </summary>
    public bool SparseA { get; init; }

    public static ProductPlan For(int m, int k, int n, bool transposeB, int threads)
    {
        bool blocked = (long)k * n > DirectMaxB && m > 0 && (Vector512.IsHardwareAccelerated || Vector.IsHardwareAccelerated);
        int parts = (int)Math.Clamp(2L * m * k * n / ParallelFlops, 1, Math.Max(threads, 1));

        // Blocked: each part packs the operand it does not split, so split the axis whose other operand is smaller
        // (columns: A is packed by every part; rows: B is). Direct: whole 64-column tiles when there are enough.
        bool splitColumns = blocked ? (long)m * k <= (long)k * n : n >= 64 * parts;
        return new ProductPlan(blocked, transposeB && !blocked, parts, splitColumns, m, n);
    }

    /// <summary>Rows [RowStart, RowEnd) × columns [ColumnStart, ColumnEnd) of C that part <paramref name="part"/> computes.</summary>
    public (int RowStart, int RowEnd, int ColumnStart, int ColumnEnd) Range(int part)
    {
        if (Parts == 1)
        {
            return (0, M, 0, N);
        }

        if (SplitColumns)
        {
            (int start, int end) = Partition.Range(N, part, Parts, Blocked ? GemmBlocked.NR : 64);
            return (0, M, start, end);
        }

        (int rowStart, int rowEnd) = Partition.Range(M, part, Parts, Blocked ? GemmBlocked.MR : 8);
        return (rowStart, rowEnd, 0, N);
    }
}
