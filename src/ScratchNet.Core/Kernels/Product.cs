namespace ScratchNet.Core.Kernels;

/// <summary>
/// Runs a product as its <see cref="ProductPlan"/> says: on the calling thread from spans, or split over a
/// <see cref="ComputeTeam"/> from arrays or memory (spans cannot be handed to other threads).
/// Shapes are checked by the caller (<see cref="MatMul"/>).
/// </summary>
internal static class Product
{
    /// <summary>The whole product on the calling thread.</summary>
    public static void Run(in Operands op)
    {
        if (op.M == 0)
        {
            return;
        }

        if (GemmSparseA.Suits(op.A, op.TransposedA, op.TransposedB, op.M, op.K, op.N))
        {
            GemmSparseA.Run(op, 0, op.M, 0, op.N);
            return;
        }

        ProductPlan plan = ProductPlan.For(op.M, op.K, op.N, op.TransposedB, threads: 1);
        if (plan.TransposeBFirst)
        {
            Span<float> bT = PackBuffers.Current.TransposedB(op.K * op.N).Span;
            TransposeKernel.Run(op.B, bT, op.N, op.K);
            RunRange(op.WithRowMajorB(bT), plan, 0, op.M, 0, op.N);
        }
        else
        {
            RunRange(op, plan, 0, op.M, 0, op.N);
        }
    }

    /// <summary>The whole product, its parts run by <paramref name="team"/> (null: the calling thread).</summary>
    public static void Run(
        ComputeTeam? team, ReadOnlyMemory<float> a, bool transposeA, ReadOnlyMemory<float> b, bool transposeB,
        ReadOnlyMemory<float> bias, Memory<float> c, int m, int k, int n, bool accumulate)
    {
        int threads = team?.Threads ?? 1;
        ProductPlan plan = ProductPlan.For(m, k, n, transposeB, threads);
        if (plan.Parts > 1 && m > 0 && GemmSparseA.Suits(a.Span, transposeA, transposeB, m, k, n))
        {
            // Each part compacts its own rows of op(A).
            ParallelProduct.Current.Run(team!, plan with { SparseA = true, SplitColumns = false }, a, transposeA, b, transposeB, bias, c, m, k, n, accumulate);
            return;
        }

        if (plan.Parts == 1 || m == 0)
        {
            Run(new Operands(a.Span, transposeA, b.Span, transposeB, bias.Span, c.Span, m, k, n, accumulate));
            return;
        }

        if (plan.TransposeBFirst)
        {
            // Once, before the parts: they all read the same op(B) and each thread would otherwise transpose all of it.
            Memory<float> bT = PackBuffers.Current.TransposedB(k * n);
            TransposeKernel.Run(b.Span, bT.Span, n, k);
            b = bT;
            transposeB = false;
        }

        ParallelProduct.Current.Run(team!, plan, a, transposeA, b, transposeB, bias, c, m, k, n, accumulate);
    }

    /// <summary>Rows [rowStart, rowEnd) × columns [columnStart, columnEnd) of C, on the engine the plan chose.</summary>
    public static void RunRange(in Operands op, ProductPlan plan, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        if (rowStart >= rowEnd || columnStart >= columnEnd)
        {
            return;
        }

        if (plan.SparseA)
        {
            GemmSparseA.Run(op, rowStart, rowEnd, columnStart, columnEnd);
        }
        else if (plan.Blocked)
        {
            GemmBlocked.Run(op, rowStart, rowEnd, columnStart, columnEnd, PackBuffers.Current);
        }
        else
        {
            Gemm.Run(op, rowStart, rowEnd, columnStart, columnEnd);
        }
    }
}
