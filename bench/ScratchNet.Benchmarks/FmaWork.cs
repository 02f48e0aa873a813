namespace ScratchNet.Benchmarks;

/// <summary><see cref="Steps"/> steps of twelve independent vector FMA chains of <see cref="Lanes"/> floats: 2·12·lanes FLOP a step.</summary>
public sealed record FmaWork(int Steps, int Lanes) : IFlops
{
    public const int Chains = 12;

    public long Flops => 2L * Chains * Lanes * Steps;

    public override string ToString() => $"{Steps} x {Chains} x {Lanes} lanes";
}
