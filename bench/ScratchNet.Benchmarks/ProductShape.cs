namespace ScratchNet.Benchmarks;

/// <summary>
/// One general product c = op(a)·op(b): m × k × n and the layout, written as BLAS does (N: as stored, T: transposed),
/// A first. The dense layer's three are NN (forward, y = x·W), TN (weight gradient, dW = xᵀ·dY), NT (input gradient, dX = dY·Wᵀ).
/// </summary>
public sealed record ProductShape(int M, int K, int N, string Layout) : IFlops
{
    public bool TransposeA => Layout[0] == 'T';

    public bool TransposeB => Layout[1] == 'T';

    public long Flops => 2L * M * K * N;

    // BenchmarkDotNet shows this in the argument column.
    public override string ToString() => $"{M}x{K}x{N} {Layout}";
}
