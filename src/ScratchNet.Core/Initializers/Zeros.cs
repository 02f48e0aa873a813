using ScratchNet.Core.Random;

namespace ScratchNet.Core.Initializers;

/// <summary>All zeros: the reference's bias initialiser. For weights it leaves every unit identical, which is why it is never the default.</summary>
public sealed class Zeros : IInitializer
{
    public string Name => "zeros";

    public void Initialize(Span<float> weights, int fanIn, int fanOut, Xoshiro256 rng) => weights.Clear();
}
