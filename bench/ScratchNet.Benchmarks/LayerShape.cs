namespace ScratchNet.Benchmarks;

/// <summary>One dense layer's product at a batch size: x (Batch, In) · w (In, Out).</summary>
public sealed record LayerShape(int Batch, int In, int Out) : IFlops
{
    /// <summary>Multiply-adds counted as two operations: 2·n·in·out for each of Forward, BackwardWeights and BackwardInput.</summary>
    public long Flops => 2L * Batch * In * Out;

    // BenchmarkDotNet shows this in the argument column.
    public override string ToString() => $"{Batch}x{In}x{Out}";
}
