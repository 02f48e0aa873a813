using ScratchNet.Core.Random;

namespace ScratchNet.Core.Initializers;

/// <summary>He (Kaiming) normal: w ~ N(0, σ²) with σ = sqrt(2 / fanIn), which keeps activation variance steady through ReLU layers.</summary>
public sealed class HeNormal : IInitializer
{
    public string Name => "he_normal";

    public void Initialize(Span<float> weights, int fanIn, int fanOut, Xoshiro256 rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentNullException.ThrowIfNull(rng);
        double sigma = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(sigma * rng.NextGaussian());
        }
    }
}
