namespace ScratchNet.Benchmarks;

/// <summary>A benchmark argument that knows how many floating-point operations one call performs, for <see cref="GflopsColumn"/>.</summary>
public interface IFlops
{
    long Flops { get; }
}
