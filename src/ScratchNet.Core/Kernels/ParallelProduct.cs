namespace ScratchNet.Core.Kernels;

/// <summary>
/// One product split over a <see cref="ComputeTeam"/>: the operands sit in fields while the team runs the parts,
/// and the part delegate is created once per calling thread, so splitting a product allocates nothing.
/// </summary>
internal sealed class ParallelProduct
{
    [ThreadStatic]
    private static ParallelProduct? t_current;

    private readonly Action<int> _part;
    private ProductPlan _plan;
    private ReadOnlyMemory<float> _a;
    private ReadOnlyMemory<float> _b;
    private ReadOnlyMemory<float> _bias;
    private Memory<float> _c;
    private int _m;
    private int _k;
    private int _n;
    private bool _transposeA;
    private bool _transposeB;
    private bool _accumulate;

    private ParallelProduct() => _part = RunPart;

    /// <summary>The calling thread's job: a thread runs one team call at a time, so one job per thread suffices.</summary>
    public static ParallelProduct Current => t_current ??= new ParallelProduct();

    public void Run(
        ComputeTeam team, ProductPlan plan, ReadOnlyMemory<float> a, bool transposeA, ReadOnlyMemory<float> b, bool transposeB,
        ReadOnlyMemory<float> bias, Memory<float> c, int m, int k, int n, bool accumulate)
    {
        (_plan, _a, _transposeA, _b, _transposeB, _bias, _c, _m, _k, _n, _accumulate) = (plan, a, transposeA, b, transposeB, bias, c, m, k, n, accumulate);
        try
        {
            team.Run(_part, plan.Parts);
        }
        finally
        {
            // Drop the references, so a finished product does not keep the caller's arrays alive.
            (_a, _b, _bias, _c) = (default, default, default, default);
        }
    }

    private void RunPart(int part)
    {
        var op = new Operands(_a.Span, _transposeA, _b.Span, _transposeB, _bias.Span, _c.Span, _m, _k, _n, _accumulate);
        (int rowStart, int rowEnd, int columnStart, int columnEnd) = _plan.Range(part);
        Product.RunRange(op, _plan, rowStart, rowEnd, columnStart, columnEnd);
    }
}
